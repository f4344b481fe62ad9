package dev.llmops.core.experiment;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts failures of user hooks (variant source, sink, audit listeners), logging the first of each. */
final class HookFailures {
  private static final Logger LOG = LoggerFactory.getLogger(Experiments.class);

  private HookFailures() {}

  /** Counts a failure of {@code what}; logs its type (never its message) the first time. */
  static void logOnce(AtomicLong counter, String what, Throwable e) {
    if (counter.incrementAndGet() == 1) {
      LOG.warn("{} threw {}; later failures are only counted", what, e.getClass().getName());
    }
  }
}
