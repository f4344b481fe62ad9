package dev.llmops.eval.run;

/** When a case run N times counts as passed. */
public enum RepeatRule {
  /** More than half of its repeats passed (with one repeat: that one). */
  MAJORITY,
  /** Every repeat passed. */
  ALL,
  /** At least one repeat passed. */
  ANY;

  /** Whether {@code passes} of {@code runs} count as a pass. */
  public boolean passed(int passes, int runs) {
    if (runs == 0) {
      return false;
    }
    return switch (this) {
      case MAJORITY -> 2 * passes > runs;
      case ALL -> passes == runs;
      case ANY -> passes > 0;
    };
  }
}
