package dev.llmops.eval.monitor;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link GuardedRollout} did, and why. Immutable.
 *
 * @param kind the action
 * @param experimentKey the experiment
 * @param step the ramp step after the action (-1 after a rollback)
 * @param guard the guard that failed (hold, rollback), or null
 * @param likelihoodRatio the guard's mSPRT likelihood ratio Λ at this look, or NaN
 * @param pValue the guard's always-valid p-value (running minimum of 1/Λ over the step); for a
 *     {@link Guard.Metric#DRIFT} guard the chi-square test's p-value (not always valid); or NaN
 * @param canaryMean the canary's mean of the guard's metric (for {@link Guard.Metric#LATENCY_P95}
 *     its share of calls above the control's p95), or NaN
 * @param controlMean the control's mean, or NaN
 * @param canaryCalls the canary's calls in this step
 * @param controlCalls the control's calls in this step
 * @param reason a sentence for people (also the audited reason of the experiment change)
 * @param at when, on the controller's clock
 */
public record RolloutEvent(
    Kind kind,
    String experimentKey,
    int step,
    Guard.@Nullable Metric guard,
    double likelihoodRatio,
    double pValue,
    double canaryMean,
    double controlMean,
    long canaryCalls,
    long controlCalls,
    String reason,
    Instant at) {

  /** Checks the components. */
  public RolloutEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(experimentKey, "experimentKey");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }

  /** The actions. */
  public enum Kind {
    /** The ramp moved to its next step. */
    ADVANCED,
    /** The canary reached the last step with every guard passing: the rollout is done. */
    PROMOTED,
    /** A guard with action HOLD failed: the step is kept. */
    HELD,
    /** A guard with action ROLL_BACK failed: the canary's weight is 0. */
    ROLLED_BACK,
    /** The experiment's kill switch is on: the controller stopped acting. */
    KILLED
  }
}
