package dev.llmops.eval.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The statistics against published worked values; each test names its source. */
class PublishedValuesTest {

  // Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
  // methods. Stat Med 1998;17:857-872, Table I, method 3 (Wilson score, no continuity correction).
  @Test
  void wilsonIntervalsOfNewcombe1998TableI() {
    assertWilson(81, 263, 0.2553, 0.3662);
    assertWilson(15, 148, 0.0624, 0.1605);
    assertWilson(0, 20, 0.0, 0.1611);
    assertWilson(1, 29, 0.0061, 0.1718);
  }

  private static void assertWilson(int x, int n, double lower, double upper) {
    Proportion p = Proportion.wilson(x, n, 0.95);
    assertThat(p.interval().lower()).as("%d/%d lower", x, n).isCloseTo(lower, within(5e-5));
    assertThat(p.interval().upper()).as("%d/%d upper", x, n).isCloseTo(upper, within(5e-5));
    assertThat(p.estimate()).isEqualTo((double) x / n);
  }

  @Test
  void wilsonStaysInsideTheUnitIntervalAtTheEdges() {
    Proportion all = Proportion.wilson(20, 20, 0.95);
    assertThat(all.interval().upper()).isEqualTo(1.0);
    assertThat(all.interval().lower()).isCloseTo(1 - 0.1611, within(5e-5)); // mirror of 0/20
    assertThat(Proportion.wilson(0, 0, 0.95).interval()).isEqualTo(new Interval(0, 1));
    assertThatThrownBy(() -> Proportion.wilson(3, 2, 0.95)).isInstanceOf(IllegalArgumentException.class);
  }

  // CRAN package exact2x2, vignette "exactMcNemar": the table matrix(c(21, 9, 2, 12), 2, 2) has
  // discordant counts 9 and 2; the exact McNemar p-value is 134/2048 = 0.06543 (R's
  // binom.test(2, 11) gives the same) and the mid-p value 0.03857.
  @Test
  void exactMcNemarOfTheExact2x2Vignette() {
    McNemar t = McNemar.exact(9, 2);
    assertThat(t.pValue()).isCloseTo(134.0 / 2048, within(1e-12));
    assertThat(t.pValue()).isCloseTo(0.06543, within(5e-6));
    assertThat(t.midP()).isCloseTo(0.03857, within(5e-6));
    // The test is symmetric in the two kinds of discordance.
    assertThat(McNemar.exact(2, 9).pValue()).isEqualTo(t.pValue());
  }

  @Test
  void exactMcNemarWithoutEvidence() {
    assertThat(McNemar.exact(0, 0).pValue()).isEqualTo(1.0);
    assertThat(McNemar.exact(3, 3).pValue()).isEqualTo(1.0);
    assertThat(McNemar.exact(3, 3).midP()).isEqualTo(1.0);
    // 8 discordant pairs all one way: 2 * (1/2)^8 = 0.0078125.
    assertThat(McNemar.exact(8, 0).pValue()).isCloseTo(0.0078125, within(1e-12));
  }

  // Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas 1960;20:37-46
  // (kappa = (po - pe) / (1 - pe)). Worked example of Wikipedia's "Cohen's kappa" article: 50
  // proposals, both yes 20, A yes/B no 5, A no/B yes 10, both no 15: po 0.70, pe 0.50, kappa 0.40.
  @Test
  void cohensKappaOfTheStandardWorkedExample() {
    Agreement a = Agreement.cohen(labels(20, 5, 10, 15, true), labels(20, 5, 10, 15, false));
    assertThat(a.items()).isEqualTo(50);
    assertThat(a.observed()).isCloseTo(0.70, within(1e-12));
    assertThat(a.expected()).isCloseTo(0.50, within(1e-12));
    assertThat(a.kappa()).isCloseTo(0.40, within(1e-12));
  }

  // A second example (20 items: both yes 12, disagreements 4 and 2, both no 2): po 0.70,
  // pe = 0.8 * 0.7 + 0.2 * 0.3 = 0.62, kappa = 0.08 / 0.38 = 0.2105.
  @Test
  void cohensKappaOfASmallTable() {
    Agreement a = Agreement.cohen(labels(12, 4, 2, 2, true), labels(12, 4, 2, 2, false));
    assertThat(a.expected()).isCloseTo(0.62, within(1e-12));
    assertThat(a.kappa()).isCloseTo(0.2105, within(5e-5));
    Agreement same = Agreement.cohen(List.of("pass", "pass"), List.of("pass", "pass"));
    assertThat(same.kappa()).isNaN(); // pe = 1: kappa is undefined
  }

  /** First or second rater's labels of a 2x2 table: yes/yes, yes/no, no/yes, no/no. */
  private static List<String> labels(int yy, int yn, int ny, int nn, boolean first) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < yy; i++) {
      out.add("yes");
    }
    for (int i = 0; i < yn; i++) {
      out.add(first ? "yes" : "no");
    }
    for (int i = 0; i < ny; i++) {
      out.add(first ? "no" : "yes");
    }
    for (int i = 0; i < nn; i++) {
      out.add("no");
    }
    return out;
  }

  // Holm S. A simple sequentially rejective multiple test procedure. Scand J Statist 1979;6:65-70.
  // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02.
  @Test
  void holmAdjustmentAsR() {
    assertThat(Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005}))
        .containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(1e-12));
    assertThat(Holm.adjust(new double[] {0.5, 0.9})).containsExactly(1.0, 1.0);
  }

  // Efron B, Tibshirani RJ. An Introduction to the Bootstrap, 1993, ch. 13 (percentile interval).
  // For a large sample the percentile interval of a mean approaches mean +- 1.96 sd / sqrt(n).
  @Test
  void pairedBootstrapApproachesTheNormalIntervalForALargeSample() {
    SplittableRandom data = new SplittableRandom(3);
    int n = 2000;
    double[] a = new double[n];
    double[] b = new double[n];
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      a[i] = data.nextDouble();
      b[i] = a[i] + 0.05 + (data.nextDouble() - 0.5) * 0.4;
      double d = b[i] - a[i];
      sum += d;
      sumSq += d * d;
    }
    double mean = sum / n;
    double sd = Math.sqrt((sumSq - n * mean * mean) / (n - 1));
    double half = 1.959964 * sd / Math.sqrt(n);
    BootstrapInterval ci = BootstrapInterval.pairedMeanDifference(a, b, 10_000, 0.95, new SplittableRandom(1));
    assertThat(ci.meanDifference()).isCloseTo(mean, within(1e-12));
    assertThat(ci.interval().lower()).isCloseTo(mean - half, within(0.1 * half));
    assertThat(ci.interval().upper()).isCloseTo(mean + half, within(0.1 * half));
  }

  @Test
  void pairedBootstrapIsRepeatableWithItsSeedAndExactForConstantDifferences() {
    double[] a = {0.1, 0.5, 0.9, 0.3};
    double[] b = {0.2, 0.4, 1.0, 0.3};
    BootstrapInterval one = BootstrapInterval.pairedMeanDifference(a, b, 1000, 0.95, new SplittableRandom(7));
    BootstrapInterval two = BootstrapInterval.pairedMeanDifference(a, b, 1000, 0.95, new SplittableRandom(7));
    assertThat(two).isEqualTo(one);
    double[] shifted = {0.35, 0.75, 1.15, 0.55};
    BootstrapInterval constant = BootstrapInterval.pairedMeanDifference(a, shifted, 1000, 0.95, new SplittableRandom(7));
    assertThat(constant.interval().lower()).isCloseTo(0.25, within(1e-12));
    assertThat(constant.interval().upper()).isCloseTo(0.25, within(1e-12));
    assertThatThrownBy(() -> BootstrapInterval.pairedMeanDifference(a, new double[3], 1000, 0.95, new SplittableRandom(7)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("equal lengths");
  }
}
