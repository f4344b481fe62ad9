package dev.llmops.api;

/**
 * A typed event a pipeline step publishes to {@link CallListener#onEvent}: a prompt resolved, a
 * variant assigned, a retry scheduled, a fallback taken, a budget rejection. Each step defines its
 * own event records; listeners match on the ones they understand and ignore the rest, so new
 * events never break a listener.
 */
public interface CallEvent {

  /** A stable dotted name for logs and telemetry, for example {@code llmops.retry.scheduled}. */
  String name();
}
