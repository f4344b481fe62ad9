package dev.llmops.core.experiment.shadow;

/**
 * Receives each primary/shadow pair once the shadow call ended, for offline comparison (text,
 * latency, usage, errors). Pairs carry model answers: a sink that stores or ships them decides
 * their retention and redaction.
 *
 * <p>Called on the thread that completed the shadow call; must be thread-safe, fast, and must not
 * throw (a throw is caught, logged once and counted).
 */
@FunctionalInterface
public interface ShadowSink {

  /** A sink that drops every pair. */
  static ShadowSink noop() {
    return pair -> {};
  }

  /** A pair is complete. */
  void accept(ShadowPair pair);
}
