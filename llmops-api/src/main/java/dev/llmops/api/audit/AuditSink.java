package dev.llmops.api.audit;

/**
 * Receives {@link AuditEvent}s. Components that change configuration at run time (prompt labels,
 * experiment weights, budgets, kill switches) take one and call {@link #record} after each change.
 *
 * <p>Implementations must be thread-safe, fast and must not throw: a change is not undone because
 * its audit failed. The core's {@code AuditLog} writes events to the {@code llmops.audit} logger
 * and forwards them to further sinks.
 */
@FunctionalInterface
public interface AuditSink {

  /** A sink that drops every event. */
  static AuditSink noop() {
    return event -> { };
  }

  /** Records one change. */
  void record(AuditEvent event);
}
