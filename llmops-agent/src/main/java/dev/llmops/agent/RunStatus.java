package dev.llmops.agent;

/** Where a run stands. */
public enum RunStatus {
  /** Steps are being taken (or the process taking them crashed: resume it). */
  RUNNING,
  /** The model answered without calling tools: {@link RunResult#text()} is its answer. */
  COMPLETED,
  /** A {@link Limit} was reached before the next step. */
  LIMIT_REACHED,
  /** A model call failed (after the client's own retries and fallbacks). */
  FAILED,
  /** A tool that {@link Tool#requiresApproval() requires approval} waits for {@link Agent#approve}. */
  AWAITING_APPROVAL,
  /**
   * A tool execution was started but a crash left it unrecorded, and the tool is not idempotent:
   * {@link Agent#decide} says whether to run it again or what its result was.
   */
  AWAITING_DECISION;

  /** True for the statuses a run ends in for good. */
  public boolean terminal() {
    return this == COMPLETED || this == LIMIT_REACHED || this == FAILED;
  }
}
