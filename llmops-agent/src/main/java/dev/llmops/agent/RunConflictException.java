package dev.llmops.agent;


/**
 * A checkpoint did not follow the stored one: another replica carried the run on, or the run was
 * saved out of order. The run that got it stops; the other one goes on.
 */
public final class RunConflictException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** A conflict on {@code runId}: {@code expected} was stored where {@code found} is. */
  public RunConflictException(String runId, long expected, long found) {
    super("run '" + runId + "': checkpoint " + (expected + 1) + " expects checkpoint " + expected
        + " in the store, which holds " + (found == 0 ? "none" : "checkpoint " + found));
  }

}
