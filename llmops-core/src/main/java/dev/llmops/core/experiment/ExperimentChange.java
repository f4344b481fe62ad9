package dev.llmops.core.experiment;

import java.time.Instant;
import java.util.Objects;

/**
 * An audited change to a running experiment: its weights, status, override, forced variants or
 * canary ramp.
 * Delivered to every {@link ExperimentAuditListener}. Immutable.
 *
 * @param experimentKey the experiment changed
 * @param kind what changed
 * @param before the value before, as text (for example {@code [0.95, 0.05]})
 * @param after the value after, as text
 * @param reason why, as the operator or monitor gave it
 * @param at when, on the experiments' clock
 */
public record ExperimentChange(String experimentKey, Kind kind, String before, String after, String reason, Instant at) {

  /** Checks the components. */
  public ExperimentChange {
    Objects.requireNonNull(experimentKey, "experimentKey");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }

  /** What changed. */
  public enum Kind {
    /** The weights were set directly. */
    WEIGHTS,
    /** The canary ramp moved to another step (forward or rolled back); the weights changed with it. */
    RAMP,
    /** The status changed (running, stopped, killed). */
    STATUS,
    /** The global override was set or cleared. */
    OVERRIDE,
    /** A subject was forced to a variant, or released. */
    FORCED
  }
}
