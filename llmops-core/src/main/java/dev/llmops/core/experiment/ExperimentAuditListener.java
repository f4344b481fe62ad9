package dev.llmops.core.experiment;

/**
 * Receives every run-time change to experiments ({@link ExperimentChange}), for an audit log.
 * Called on the thread that made the change, after the change took effect, in the order changes
 * were made to one {@link Experiments}. Must be fast and must not throw (a throw is caught, logged
 * and counted).
 */
@FunctionalInterface
public interface ExperimentAuditListener {

  /** A listener that ignores changes. */
  static ExperimentAuditListener noop() {
    return change -> {};
  }

  /** An experiment changed. */
  void changed(ExperimentChange change);
}
