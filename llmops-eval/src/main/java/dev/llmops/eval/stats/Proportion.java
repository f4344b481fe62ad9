package dev.llmops.eval.stats;

import org.apache.commons.statistics.interval.BinomialConfidenceInterval;

/**
 * A proportion of successes with its Wilson score interval (Wilson 1927; Newcombe 1998, method
 * 3: the score interval without continuity correction), which stays inside [0, 1] and behaves at 0
 * and n successes where the normal approximation does not. Computed by Apache Commons Statistics'
 * {@link BinomialConfidenceInterval#WILSON_SCORE}. Immutable.
 *
 * @param successes how many succeeded
 * @param trials how many were tried
 * @param confidence the interval's confidence level, for example 0.95
 * @param interval the Wilson score interval ([0, 1] when there were no trials)
 */
public record Proportion(long successes, long trials, double confidence, Interval interval) {

  /** Checks the components. */
  public Proportion {
    if (trials < 0 || successes < 0 || successes > trials) {
      throw new IllegalArgumentException("need 0 <= successes <= trials but had " + successes + " of " + trials);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1) but was " + confidence);
    }
  }

  /**
   * {@code successes} of {@code trials} with the Wilson score interval at {@code confidence}.
   *
   * @throws IllegalArgumentException if the counts are impossible, exceed {@code int}, or the
   *     confidence is outside (0, 1)
   */
  public static Proportion wilson(long successes, long trials, double confidence) {
    if (trials > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("at most " + Integer.MAX_VALUE + " trials but had " + trials);
    }
    if (trials < 0 || successes < 0 || successes > trials) {
      throw new IllegalArgumentException("need 0 <= successes <= trials but had " + successes + " of " + trials);
    }
    if (trials == 0) {
      return new Proportion(0, 0, confidence, new Interval(0, 1));
    }
    var ci = BinomialConfidenceInterval.WILSON_SCORE.fromErrorRate((int) trials, (int) successes, 1 - confidence);
    return new Proportion(successes, trials, confidence, new Interval(ci.getLowerBound(), ci.getUpperBound()));
  }

  /** The observed proportion, {@code successes / trials} (0 when there were no trials). */
  public double estimate() {
    return trials == 0 ? 0 : (double) successes / trials;
  }
}
