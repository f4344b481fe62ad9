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
 *       {@code D = sup |F(x) − G(x)|} and its p-value; and the asymptotic p-value of a {@code D}
 *       computed elsewhere ({@link #kolmogorovSmirnovP}), for windows kept as histograms.
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

  /**
   * The asymptotic p-value of a two-sample Kolmogorov–Smirnov statistic {@code d} between samples
   * of {@code n} and {@code m} values: {@code Q(λ)} with {@code λ = d·√(nm/(n+m))} and Kolmogorov's
   * limiting distribution {@code Q(λ) = 2 Σ_{k≥1} (−1)^(k−1) e^(−2k²λ²)} (Kolmogorov 1933; Smirnov
   * 1948), summed in its Jacobi form {@code 1 − (√(2π)/λ) Σ_{k≥1} e^(−(2k−1)²π²/(8λ²))} below
   * {@code λ = 1.18}, where the first converges slowly. Apache Commons Statistics computes the same
   * limit but does not expose it for a {@code d} it did not compute itself. For data with ties, or
   * a {@code d} read at histogram bucket edges (a lower bound of the raw one), the p-value is
   * conservative.
   *
   * @throws IllegalArgumentException if {@code d} is not in {@code [0, 1]} or a sample is empty
   */
  public static double kolmogorovSmirnovP(double d, long n, long m) {
    if (!(d >= 0 && d <= 1)) {
      throw new IllegalArgumentException("d must be in [0, 1] but was " + d);
    }
    if (n < 1 || m < 1) {
      throw new IllegalArgumentException("both samples need at least one value, were " + n + " and " + m);
    }
    double lambda = d * Math.sqrt((double) n * m / ((double) n + m));
    if (lambda < 1e-3) {
      return 1;
    }
    double sum = 0;
    if (lambda < 1.18) {
      double a = -Math.PI * Math.PI / (8 * lambda * lambda);
      for (int k = 1; k <= 50; k++) {
        double term = Math.exp(a * (2 * k - 1) * (2 * k - 1));
        sum += term;
        if (term < 1e-17) {
          break;
        }
      }
      return Math.max(0, Math.min(1, 1 - Math.sqrt(2 * Math.PI) / lambda * sum));
    }
    for (int k = 1; k <= 50; k++) {
      double term = Math.exp(-2.0 * k * k * lambda * lambda);
      sum += (k % 2 == 1 ? term : -term);
      if (term < 1e-17) {
        break;
      }
    }
    return Math.max(0, Math.min(1, 2 * sum));
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
