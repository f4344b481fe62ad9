package dev.llmops.eval.stats;

/**
 * A closed interval {@code [lower, upper]}. Immutable.
 *
 * @param lower the lower bound
 * @param upper the upper bound, at least {@code lower}
 */
public record Interval(double lower, double upper) {
  /** Checks that the bounds are ordered numbers. */
  public Interval {
    if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
      throw new IllegalArgumentException("interval bounds must be ordered numbers but were [" + lower + ", " + upper + "]");
    }
  }

  /** True if {@code x} lies in the interval (bounds included). */
  public boolean contains(double x) {
    return x >= lower && x <= upper;
  }
}
