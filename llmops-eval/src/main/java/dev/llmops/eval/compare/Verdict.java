package dev.llmops.eval.compare;

/** What a comparison concludes, against the thresholds of its {@link GatePolicy}. */
public enum Verdict {
  /** The candidate is significantly worse (or a critical case newly fails): block the release. */
  REGRESSION,
  /** The candidate is significantly better, and no critical case newly fails. */
  IMPROVEMENT,
  /** Neither: any difference is within the thresholds or not significant. */
  NO_SIGNIFICANT_CHANGE
}
