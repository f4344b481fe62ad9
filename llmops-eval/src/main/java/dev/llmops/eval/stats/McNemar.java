package dev.llmops.eval.stats;

import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;

/**
 * The exact McNemar test of paired pass/fail outcomes. Only discordant pairs count: {@code
 * baselineOnly} cases passed the baseline and failed the candidate, {@code candidateOnly} the
 * reverse. Under "no difference" {@code baselineOnly ~ Binomial(baselineOnly + candidateOnly, 1/2)};
 * the two-sided p-value is Apache Commons Statistics' exact {@link BinomialTest}, which for
 * probability 1/2 is {@code min(1, 2 * P(X <= min(b, c)))} (R's {@code binom.test}, {@code
 * exact2x2::mcnemar.exact}). The mid-p value subtracts {@code P(X = min(b, c))}. With no discordant
 * pairs both are 1. Immutable.
 *
 * @param baselineOnly pairs the baseline passed and the candidate failed (b)
 * @param candidateOnly pairs the candidate passed and the baseline failed (c)
 * @param pValue the exact two-sided p-value
 * @param midP the mid-p value
 */
public record McNemar(int baselineOnly, int candidateOnly, double pValue, double midP) {

  /**
   * The exact test for {@code b} and {@code c} discordant pairs.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public static McNemar exact(int b, int c) {
    if (b < 0 || c < 0) {
      throw new IllegalArgumentException("discordant counts must be >= 0 but were " + b + " and " + c);
    }
    int n = b + c;
    if (n == 0) {
      return new McNemar(0, 0, 1, 1);
    }
    double p = BinomialTest.withDefaults().with(AlternativeHypothesis.TWO_SIDED).test(n, b, 0.5).getPValue();
    double pointMass = BinomialDistribution.of(n, 0.5).probability(Math.min(b, c));
    // Mid-p: 2 * (P(X < min) + P(X = min) / 2) = 2 * P(X <= min) - P(X = min). When b == c the
    // uncapped 2 * P(X <= min) is 1 + P(X = min), so the mid-p is exactly 1.
    double mid = b == c ? 1 : p - pointMass;
    return new McNemar(b, c, Math.min(1, p), Math.max(0, mid));
  }
}
