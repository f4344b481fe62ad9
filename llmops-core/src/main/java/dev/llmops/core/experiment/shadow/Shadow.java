package dev.llmops.core.experiment.shadow;

import java.util.Objects;

/**
 * Shadow traffic of an experiment: a sampled {@code fraction} of its matching calls is copied,
 * after the user's call ended, to {@code variant}; the copy's answer goes to the {@link ShadowSink}
 * only. Immutable.
 *
 * @param variant the candidate variant's key (it may have weight 0)
 * @param fraction the share of calls copied, in {@code [0, 1]}; sampled per call by a hash of the
 *     call id (resolution 0.0001)
 */
public record Shadow(String variant, double fraction) {

  /** Checks for nulls; the range is checked by the experiment builder. */
  public Shadow {
    Objects.requireNonNull(variant, "variant");
  }
}
