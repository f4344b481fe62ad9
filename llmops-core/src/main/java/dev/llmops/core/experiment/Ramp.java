package dev.llmops.core.experiment;

import java.util.List;
import java.util.Objects;

/**
 * A canary ramp: the weight of one variant rises through {@code steps} as an operator (or a
 * monitor such as {@code llmops-eval}'s {@code GuardedRollout}) calls {@link
 * Experiments#advanceRamp}; the other variants share the rest equally.
 * Put the canary variant last: GrowthBook ranges then grow downward from 1, so a subject that got
 * the canary keeps it at every later step. Immutable.
 *
 * @param variant the canary variant's key
 * @param steps the canary's weights, strictly increasing, each in {@code (0, 1]}
 */
public record Ramp(String variant, List<Double> steps) {

  /** Checks for nulls and copies the steps; ranges are checked by the experiment builder. */
  public Ramp {
    Objects.requireNonNull(variant, "variant");
    steps = List.copyOf(steps);
  }
}
