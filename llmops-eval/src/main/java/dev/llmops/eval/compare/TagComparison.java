package dev.llmops.eval.compare;

import dev.llmops.eval.stats.McNemar;
import dev.llmops.eval.stats.Proportion;
import java.util.Objects;

/**
 * One tag's cases compared, paired. Informational: the verdict reads the whole dataset and the
 * critical tags; per-tag p-values are also given Holm-adjusted over all tags, since among many tags
 * one will look significant by chance. Immutable.
 *
 * @param tag the tag
 * @param baseline the baseline's pass rate on the tag's paired cases
 * @param candidate the candidate's pass rate on them
 * @param test the exact McNemar test on them
 * @param holmP the p-value Holm-adjusted over all tags
 */
public record TagComparison(String tag, Proportion baseline, Proportion candidate, McNemar test, double holmP) {
  /** Checks the components. */
  public TagComparison {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(test, "test");
  }

  /** The pass-rate change, in percentage points. */
  public double deltaPoints() {
    return 100 * (candidate.estimate() - baseline.estimate());
  }
}
