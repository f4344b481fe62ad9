package dev.llmops.core.experiment;

import java.util.Objects;

/**
 * A prerequisite on another flag (GrowthBook's {@code parentConditions}): the subject is in the
 * experiment only if {@code condition} holds for {@code {"value": <the flag's value>}}, the
 * flag's value coming from {@link Targeting#flags()}. Immutable.
 *
 * @param flag the flag's id
 * @param condition the condition on {@code value}
 */
public record Prerequisite(String flag, Condition condition) {

  /** Checks the components. */
  public Prerequisite {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(condition, "condition");
  }
}
