package dev.llmops.core.experiment;

import dev.llmops.api.CallInfo;
import dev.llmops.core.redaction.RedactingLogger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/** Counts failures of user hooks (variant source, sink, audit listeners), logging the first of each. */
final class HookFailures {
  private static final RedactingLogger LOG = RedactingLogger.of(Experiments.class);

  private HookFailures() {}

  /** Counts a failure of {@code what}; logs its type (never its message) the first time. */
  static void logOnce(AtomicLong counter, String what, Throwable e) {
    logOnce(counter, what, e, null);
  }

  /** As {@link #logOnce(AtomicLong, String, Throwable)}, on behalf of {@code call} (its MDC) when one is given. */
  static void logOnce(AtomicLong counter, String what, Throwable e, @Nullable CallInfo call) {
    if (counter.incrementAndGet() == 1) {
      String message = "{} threw {}; later failures are only counted";
      if (call == null) {
        LOG.warn(message, what, e.getClass().getName());
      } else {
        LOG.log(call, Level.WARN, message, what, e.getClass().getName());
      }
    }
  }
}
