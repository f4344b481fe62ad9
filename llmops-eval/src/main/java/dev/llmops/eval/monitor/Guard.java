package dev.llmops.eval.monitor;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One guard of a {@link GuardedRollout}: a metric on which the canary must not be worse than the
 * control, and what to do when it is. Immutable.
 *
 * <p>The guard tests H0 "canary − control ≤ margin" (in the metric's bad direction) with the
 * mSPRT ({@link dev.llmops.eval.stats.Msprt}); it fails once the estimate lies on the bad side of
 * the margin and the mixture likelihood ratio reaches {@code 1/α}. The margin and the mixing
 * scale {@code τ} are shares of the control's mean, read at the step's first look with enough
 * calls and then kept for the step (so the test's threshold does not move while it is watched).
 *
 * <p>{@link Metric#LATENCY_P95} compares shares of calls slower than the control's 95th
 * percentile, so its margin and {@code τ} are shares of 5 %. {@link Metric#DRIFT} is not a
 * sequential test: it compares the canary's distribution of {@code signal} with the control's,
 * and fails when the PSI is at least {@code margin} and the chi-square test over the same bins
 * has a p-value below {@code effect} (see {@link #drift}).
 *
 * @param metric what is compared
 * @param margin the tolerated increase (decrease, for scores), as a share of the control's mean;
 *     {@code >= 0}; for {@link Metric#DRIFT}, the PSI threshold, {@code > 0}
 * @param effect the size of effect the test is tuned to detect ({@code τ}), as a share of the
 *     control's mean; {@code > 0}; for {@link Metric#DRIFT}, the chi-square test's level, in
 *     {@code (0, 1)}
 * @param onFailure what a failure does
 * @param signal the distribution a {@link Metric#DRIFT} guard compares; null for every other metric
 */
public record Guard(Metric metric, double margin, double effect, Action onFailure, @Nullable Signal signal) {

  /** Checks the components. */
  public Guard {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(onFailure, "onFailure");
    if (!(margin >= 0)) {
      throw new IllegalArgumentException("margin must be >= 0 but was " + margin);
    }
    if (!(effect > 0)) {
      throw new IllegalArgumentException("effect must be > 0 but was " + effect);
    }
    if ((metric == Metric.DRIFT) != (signal != null)) {
      throw new IllegalArgumentException("signal must be set for a DRIFT guard and only for it (metric "
          + metric + ", signal " + signal + ")");
    }
    if (signal == Signal.PII_IN_INPUT) {
      throw new IllegalArgumentException("a rollout does not scan inputs for personal data: watch PII_IN_INPUT"
          + " with a DriftMonitor's piiScan");
    }
    if (metric == Metric.DRIFT && !(margin > 0 && effect < 1)) {
      throw new IllegalArgumentException("a DRIFT guard needs a PSI threshold (margin) > 0 and a test level"
          + " (effect) in (0, 1) but had " + margin + " and " + effect);
    }
  }

  /** A guard on a metric other than {@link Metric#DRIFT}. */
  public Guard(Metric metric, double margin, double effect, Action onFailure) {
    this(metric, margin, effect, onFailure, null);
  }

  /** Error rate: no tolerated increase, tuned to a doubling; rolls back. */
  public static Guard errorRate() {
    return new Guard(Metric.ERROR_RATE, 0, 1.0, Action.ROLL_BACK);
  }

  /** Mean latency: 10 % tolerated, tuned to +25 %; rolls back. */
  public static Guard latency() {
    return new Guard(Metric.LATENCY_MS, 0.10, 0.25, Action.ROLL_BACK);
  }

  /** Cost per call: {@code margin} tolerated, tuned to +25 %, with {@code onFailure} (hold or roll back). */
  public static Guard costPerCall(double margin, Action onFailure) {
    return new Guard(Metric.COST_MICRO_USD, margin, 0.25, onFailure);
  }

  /** Evaluator score and feedback: 5 % lower tolerated, tuned to −20 %; rolls back. */
  public static Guard score() {
    return new Guard(Metric.SCORE, 0.05, 0.20, Action.ROLL_BACK);
  }

  /**
   * 95th percentile of latency: the share of canary calls slower than the control's p95 may
   * exceed the control's share by a fifth (6 % against 5 %), tuned to a doubling; rolls back.
   */
  public static Guard latencyP95() {
    return new Guard(Metric.LATENCY_P95, 0.20, 1.0, Action.ROLL_BACK);
  }

  /**
   * Drift of {@code signal} between canary and control: fails when the PSI is at least {@code
   * psiThreshold} and the chi-square test over the same bins gives a p-value below 0.001. Numeric
   * signals use their fixed half-octave bins ({@link Signal#bins()}), which replicas add in the
   * {@link RolloutStore}; {@link Signal#PII_IN_INPUT} is not recorded by a rollout.
   *
   * @throws IllegalArgumentException if {@code psiThreshold} is not positive, or for {@link
   *     Signal#PII_IN_INPUT}
   */
  public static Guard drift(Signal signal, double psiThreshold, Action onFailure) {
    return new Guard(Metric.DRIFT, psiThreshold, 0.001, onFailure, Objects.requireNonNull(signal, "signal"));
  }

  /** What a guard compares. */
  public enum Metric {
    /** Share of calls that failed (1 failed, 0 answered); higher is worse. */
    ERROR_RATE(true),
    /** Call latency in milliseconds on the controller's clock; higher is worse. */
    LATENCY_MS(true),
    /** Cost per answered call in micro-dollars; higher is worse. */
    COST_MICRO_USD(true),
    /** Online evaluator scores and feedback in {@code [0, 1]}; lower is worse. */
    SCORE(false),
    /**
     * The share of calls slower than the control's 95th percentile (read once per step from
     * mergeable log-spaced latency counts, then kept); higher is worse.
     */
    LATENCY_P95(true),
    /** The distribution of a {@link Signal} (PSI and chi-square, canary against control); any drift is worse. */
    DRIFT(true);

    private final boolean higherIsWorse;

    Metric(boolean higherIsWorse) {
      this.higherIsWorse = higherIsWorse;
    }

    /** Whether a higher value is worse. */
    public boolean higherIsWorse() {
      return higherIsWorse;
    }
  }

  /** What a failing guard does. */
  public enum Action {
    /** Stay at the current step (no advance) while the guard fails. */
    HOLD,
    /** Roll the canary back: weight 0, through {@code Experiments.rollbackRamp}. */
    ROLL_BACK
  }
}
