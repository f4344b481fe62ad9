package dev.llmops.eval.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Holm's step-down adjustment of p-values (Holm 1979), which keeps the family-wise error rate of
 * many tests at the level of one: sort ascending, multiply the i-th smallest (0-based) by {@code
 * m - i}, make the sequence non-decreasing, cap at 1. A per-tag breakdown of k tags uses it so that
 * "some tag changed significantly" is not just the chance of k tests.
 */
public final class Holm {
  private Holm() {}

  /**
   * The adjusted p-values, in the order given.
   *
   * @throws IllegalArgumentException if a value is outside [0, 1]
   */
  public static double[] adjust(double[] pValues) {
    Objects.requireNonNull(pValues, "pValues");
    int m = pValues.length;
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      if (!(pValues[i] >= 0 && pValues[i] <= 1)) {
        throw new IllegalArgumentException("p-value " + i + " must be in [0, 1] but was " + pValues[i]);
      }
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
    double[] adjusted = new double[m];
    double running = 0;
    for (int rank = 0; rank < m; rank++) {
      int i = order[rank];
      running = Math.max(running, Math.min(1, (m - rank) * pValues[i]));
      adjusted[i] = running;
    }
    return adjusted;
  }
}
