package dev.llmops.core.experiment.shadow;

import java.util.Objects;

/**
 * A user's call and its shadow copy, for offline comparison. Immutable.
 *
 * @param experimentKey the experiment whose shadow traffic this is
 * @param primary the user's call (its answer is what the user got)
 * @param shadow the copy sent to the candidate variant (the user never saw it)
 */
public record ShadowPair(String experimentKey, ShadowOutcome primary, ShadowOutcome shadow) {

  /** Checks the components. */
  public ShadowPair {
    Objects.requireNonNull(experimentKey, "experimentKey");
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(shadow, "shadow");
  }
}
