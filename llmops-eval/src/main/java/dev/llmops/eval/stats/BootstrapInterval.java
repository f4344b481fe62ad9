package dev.llmops.eval.stats;

import java.util.Objects;
import java.util.random.RandomGenerator;
import org.apache.commons.statistics.descriptive.Quantile;

/**
 * A paired bootstrap percentile interval for the mean difference {@code candidate[i] -
 * baseline[i]} (Efron and Tibshirani 1993, ch. 13): {@code resamples} times, draw n pair indices
 * with replacement (pairs stay together), take the mean difference of the drawn pairs; the interval
 * is the {@code (1 - confidence)/2} and {@code (1 + confidence)/2} quantiles of those means
 * (Apache Commons Statistics' {@link Quantile}, Hyndman-Fan type 7). The random source is
 * injected, so a seeded generator gives the same interval on every run. Immutable.
 *
 * @param meanDifference the observed mean of {@code candidate[i] - baseline[i]}
 * @param interval the percentile interval of the resampled means
 * @param pairs how many pairs
 * @param resamples how many resamples were drawn
 * @param confidence the interval's confidence level
 */
public record BootstrapInterval(double meanDifference, Interval interval, int pairs, int resamples, double confidence) {

  /**
   * The interval of the mean paired difference.
   *
   * @param baseline the baseline's scores, one per pair
   * @param candidate the candidate's scores, in the same order
   * @param resamples how many resamples, at least 100 (10,000 gives stable 95 % tails)
   * @param confidence the confidence level, in (0, 1)
   * @param random the random source (seeded for repeatable results); used by this thread only
   * @throws IllegalArgumentException if the arrays differ in length or are empty, or an argument is
   *     out of range
   */
  public static BootstrapInterval pairedMeanDifference(
      double[] baseline, double[] candidate, int resamples, double confidence, RandomGenerator random) {
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(random, "random");
    if (baseline.length != candidate.length) {
      throw new IllegalArgumentException(
          "paired scores must have equal lengths but had " + baseline.length + " and " + candidate.length);
    }
    if (baseline.length == 0) {
      throw new IllegalArgumentException("a bootstrap needs at least one pair");
    }
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be >= 100 but was " + resamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1) but was " + confidence);
    }
    int n = baseline.length;
    double[] d = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      d[i] = candidate[i] - baseline[i];
      sum += d[i];
    }
    double[] means = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += d[random.nextInt(n)];
      }
      means[r] = s / n;
    }
    double alpha = 1 - confidence;
    double[] q = Quantile.withDefaults()
        .with(Quantile.EstimationMethod.HF7)
        .withCopy(false)
        .evaluate(means, alpha / 2, 1 - alpha / 2);
    return new BootstrapInterval(sum / n, new Interval(q[0], q[1]), n, resamples, confidence);
  }
}
