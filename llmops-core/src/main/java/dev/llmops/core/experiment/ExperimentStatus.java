package dev.llmops.core.experiment;

/** Whether an experiment assigns variants. */
public enum ExperimentStatus {
  /** Subjects are assigned by forced variants, overrides, a variant source, then hashing. */
  RUNNING,
  /**
   * Nobody is assigned and no exposure is recorded; matching calls get the control variant's
   * settings (as GrowthBook serves variation 0 to subjects outside an experiment).
   */
  STOPPED,
  /**
   * The kill switch: every matching call gets the control variant (index 0), whatever forced
   * variants, overrides or hashing say; the assignment is recorded with reason {@link
   * Assignment.Reason#KILLED}.
   */
  KILLED
}
