package dev.llmops.eval.stats;

/**
 * The mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis and Walsh
 * ("Always valid inference", Operations Research 70(3), 2022; arXiv:1512.04922), the statistic
 * behind Optimizely's Stats Engine: a test that may be looked at after every observation without
 * inflating the false alarm rate.
 *
 * <p>For an estimate {@code θ̂} of a difference (canary minus control) whose variance is {@code
 * V} (for two arms {@code σ²_B/n_B + σ²_A/n_A}) and a normal mixing distribution {@code N(θ₀,
 * τ²)} over the alternative, the likelihood ratio is
 *
 * <pre>Λ = √(V / (V + τ²)) · exp(τ² (θ̂ − θ₀)² / (2 V (V + τ²)))</pre>
 *
 * which for one stream of {@code n} observations of variance {@code σ²} ({@code V = σ²/n}) is the
 * paper's {@code √(σ²/(σ²+nτ²)) · exp(n²τ²(X̄−θ₀)²/(2σ²(σ²+nτ²)))}. H0 is rejected once {@code Λ ≥
 * 1/α}; by Ville's inequality this happens with probability at most {@code α} under H0 however
 * often it is checked. The always-valid p-value is the running minimum of {@code 1/Λ}. {@code τ²}
 * tunes where the test is most powerful (around effects of size {@code τ}). Stateless.
 */
public final class Msprt {
  private Msprt() {}

  /**
   * The mixture likelihood ratio {@code Λ}.
   *
   * @param difference the estimate minus {@code θ₀}
   * @param variance the variance {@code V} of the estimate, {@code > 0}
   * @param tau2 the mixing variance {@code τ²}, {@code > 0}
   * @throws IllegalArgumentException if {@code variance} or {@code tau2} is not positive
   */
  public static double likelihoodRatio(double difference, double variance, double tau2) {
    if (!(variance > 0)) {
      throw new IllegalArgumentException("variance must be > 0 but was " + variance);
    }
    if (!(tau2 > 0)) {
      throw new IllegalArgumentException("tau2 must be > 0 but was " + tau2);
    }
    return Math.sqrt(variance / (variance + tau2))
        * Math.exp(tau2 * difference * difference / (2 * variance * (variance + tau2)));
  }

  /** {@code min(1, 1/Λ)}: the p-value of this look (keep the running minimum across looks). */
  public static double pValue(double likelihoodRatio) {
    return Math.min(1, 1 / likelihoodRatio);
  }
}
