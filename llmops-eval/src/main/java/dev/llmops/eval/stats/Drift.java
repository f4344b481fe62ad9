package dev.llmops.eval.stats;

import java.util.Objects;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.apache.commons.statistics.inference.SignificanceResult;

/**
 * Distribution drift between a reference and a current window.
 *
 * <ul>
 *   <li><b>PSI</b> (population stability index) over bin counts: {@code Σ (aᵢ − eᵢ) ln(aᵢ / eᵢ)}
 *       over the bins' proportions (a Jeffreys divergence). An empty bin's proportion is floored
 *       at {@link #PSI_FLOOR} (10⁻⁴) so the sum stays finite. The usual reading — below 0.10
 *       stable, 0.10 to 0.25 moderate, above 0.25 major — is a credit-scoring rule of thumb
 *       (Siddiqi 2006), not a test: its null distribution depends on sample sizes and bin count
 *       (Yurdakul 2018), which is why a two-sample test goes beside it.
 *   <li><b>Chi-square</b> two-sample test of homogeneity on the same bins (Apache Commons
 *       Statistics' {@code ChiSquareTest}), bins empty in both windows left out.
 *   <li><b>Kolmogorov–Smirnov</b> two-sample test on raw values ({@code KolmogorovSmirnovTest}):
 *       {@code D = sup |F(x) − G(x)|} and its p-value.
 * </ul>
 *
 * Stateless.
 */
public final class Drift {
  /** The proportion an empty bin is given in the PSI, so that its log term stays finite. */
  public static final double PSI_FLOOR = 1e-4;

  private Drift() {}

  /**
   * The PSI of {@code current} against {@code reference}, bin by bin.
   *
   * @throws IllegalArgumentException if the arrays differ in length, a count is negative, or a
   *     window is empty
   */
  public static double psi(long[] reference, long[] current) {
    check(reference, current);
    double e = total(reference);
    double a = total(current);
    double sum = 0;
    for (int i = 0; i < reference.length; i++) {
      double pe = Math.max(reference[i] / e, PSI_FLOOR);
      double pa = Math.max(current[i] / a, PSI_FLOOR);
      sum += (pa - pe) * Math.log(pa / pe);
    }
    return sum;
  }

  /** The PSI of two distributions given as proportions (each summing to 1), with the same floor. */
  public static double psi(double[] reference, double[] current) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(current, "current");
    if (reference.length != current.length) {
      throw new IllegalArgumentException("reference has " + reference.length + " bins but current " + current.length);
    }
    double sum = 0;
    for (int i = 0; i < reference.length; i++) {
      double pe = Math.max(reference[i], PSI_FLOOR);
      double pa = Math.max(current[i], PSI_FLOOR);
      sum += (pa - pe) * Math.log(pa / pe);
    }
    return sum;
  }

  /**
   * The p-value of the chi-square test that both windows' counts come from one distribution; bins
   * empty in both are left out; 1 when fewer than two bins are left.
   */
  public static double chiSquareP(long[] reference, long[] current) {
    check(reference, current);
    int kept = 0;
    for (int i = 0; i < reference.length; i++) {
      if (reference[i] + current[i] > 0) {
        kept++;
      }
    }
    if (kept < 2) {
      return 1;
    }
    long[] r = new long[kept];
    long[] c = new long[kept];
    for (int i = 0, j = 0; i < reference.length; i++) {
      if (reference[i] + current[i] > 0) {
        r[j] = reference[i];
        c[j] = current[i];
        j++;
      }
    }
    SignificanceResult result = ChiSquareTest.withDefaults().test(r, c);
    return result.getPValue();
  }

  /**
   * The two-sample Kolmogorov–Smirnov test.
   *
   * @return {@code [D, p]}
   * @throws IllegalArgumentException if a sample is empty
   */
  public static double[] kolmogorovSmirnov(double[] reference, double[] current) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(current, "current");
    if (reference.length == 0 || current.length == 0) {
      throw new IllegalArgumentException("both samples need at least one value");
    }
    var result = KolmogorovSmirnovTest.withDefaults().test(reference, current);
    return new double[] {result.getStatistic(), result.getPValue()};
  }

  private static void check(long[] reference, long[] current) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(current, "current");
    if (reference.length != current.length) {
      throw new IllegalArgumentException("reference has " + reference.length + " bins but current " + current.length);
    }
    for (int i = 0; i < reference.length; i++) {
      if (reference[i] < 0 || current[i] < 0) {
        throw new IllegalArgumentException("bin " + i + ": counts must be >= 0");
      }
    }
    if (total(reference) == 0 || total(current) == 0) {
      throw new IllegalArgumentException("both windows need at least one count");
    }
  }

  private static double total(long[] counts) {
    double t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }
}
