package dev.llmops.eval.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Drift statistics and the mSPRT against worked values recomputed from their formulas. */
class DriftAndMsprtTest {

  @Test
  void psiOfTheWorkedExample() {
    // E = [.25] x 4, A = [.1, .2, .3, .4]: 0.2282.
    assertThat(Drift.psi(new double[] {.25, .25, .25, .25}, new double[] {.1, .2, .3, .4})).isCloseTo(0.2282, within(5e-5));
    assertThat(Drift.psi(new long[] {250, 250, 250, 250}, new long[] {100, 200, 300, 400})).isCloseTo(0.2282, within(5e-5));
    assertThat(Drift.psi(new long[] {5, 7, 9}, new long[] {50, 70, 90})).isZero();
  }

  @Test
  void psiFloorsEmptyBins() {
    // (1 - 1e-4) ln(1 / 1e-4) twice: each empty bin is floored at 1e-4, so the sum stays finite.
    double expected = 2 * (1 - 1e-4) * Math.log(1 / 1e-4);
    assertThat(Drift.psi(new long[] {10, 0}, new long[] {0, 10})).isCloseTo(expected, within(1e-9));
    assertThatThrownBy(() -> Drift.psi(new long[] {1, 2}, new long[] {1})).hasMessageContaining("2 bins but current 1");
    assertThatThrownBy(() -> Drift.psi(new long[] {0, 0}, new long[] {1, 1})).hasMessageContaining("at least one count");
  }

  @Test
  void chiSquareSeesAShiftAndNotTheSameDistribution() {
    assertThat(Drift.chiSquareP(new long[] {250, 250, 250, 250}, new long[] {100, 200, 300, 400})).isLessThan(1e-10);
    assertThat(Drift.chiSquareP(new long[] {250, 250, 250, 250}, new long[] {251, 249, 250, 250})).isGreaterThan(0.99);
    // Bins empty in both windows are left out rather than dividing by zero.
    assertThat(Drift.chiSquareP(new long[] {10, 0, 10}, new long[] {10, 0, 10})).isEqualTo(1.0);
  }

  @Test
  void kolmogorovSmirnovStatisticAndCriticalValue() {
    // D = sup |F - G| for {1,2,3,4} against {3,4,5,6}: at x = 2 F = 0.5, G = 0; at 4, 1 vs 0.5.
    assertThat(Drift.kolmogorovSmirnov(new double[] {1, 2, 3, 4}, new double[] {3, 4, 5, 6})[0]).isEqualTo(0.5);
    // n = m = 100: the 5 % critical value is c(0.05) sqrt(2/100) = 0.1921 (c = 1.358); a shift of
    // 0.5 standard deviations is far beyond it, the same distribution is not.
    SplittableRandom r = new SplittableRandom(7);
    double[] a = new double[100];
    double[] b = new double[100];
    double[] c = new double[100];
    for (int i = 0; i < 100; i++) {
      a[i] = gaussian(r);
      b[i] = gaussian(r) + 1.0;
      c[i] = gaussian(r);
    }
    double critical = Math.sqrt(-0.5 * Math.log(0.025)) * Math.sqrt(2.0 / 100);
    assertThat(critical).isCloseTo(0.1921, within(1e-4));
    double[] shifted = Drift.kolmogorovSmirnov(a, b);
    assertThat(shifted[0]).isGreaterThan(critical);
    assertThat(shifted[1]).isLessThan(0.05);
    assertThat(Drift.kolmogorovSmirnov(a, c)[1]).isGreaterThan(0.05);
  }

  @Test
  void msprtOfTheWorkedExample() {
    // sigma^2 = 1, tau^2 = 0.01, n = 1000, mean difference 0.1: Lambda = 28.40, p = 0.0352.
    double lambda = Msprt.likelihoodRatio(0.1, 1.0 / 1000, 0.01);
    assertThat(lambda).isCloseTo(28.40, within(0.005));
    assertThat(Msprt.pValue(lambda)).isCloseTo(0.0352, within(5e-5));
    assertThat(Msprt.pValue(Msprt.likelihoodRatio(0, 1, 0.01))).isEqualTo(1.0);
    assertThatThrownBy(() -> Msprt.likelihoodRatio(1, 0, 1)).hasMessageContaining("variance must be > 0");
  }

  /** Under H0, watching after every observation rejects at most about alpha of the time. */
  @Test
  void msprtStaysValidUnderContinuousMonitoring() {
    SplittableRandom r = new SplittableRandom(42);
    int runs = 400;
    int falseAlarms = 0;
    for (int run = 0; run < runs; run++) {
      double sum = 0;
      for (int n = 1; n <= 1000; n++) {
        sum += gaussian(r);
        if (Msprt.likelihoodRatio(sum / n, 1.0 / n, 0.01) >= 1 / 0.05) {
          falseAlarms++;
          break;
        }
      }
    }
    assertThat((double) falseAlarms / runs).isLessThanOrEqualTo(0.05);
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
