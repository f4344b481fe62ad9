package dev.llmops.core.experiment.shadow;

import dev.llmops.api.CallEvent;
import java.util.Objects;

/**
 * A shadow call ended and its pair went to the {@link ShadowSink}: published on the shadow call
 * (whose context carries the {@link dev.llmops.core.experiment.Experiments#SHADOW_TAG} tag), before that call ends. Immutable.
 *
 * @param pair the primary and shadow outcomes
 */
public record ShadowEvent(ShadowPair pair) implements CallEvent {

  /** Checks the component. */
  public ShadowEvent {
    Objects.requireNonNull(pair, "pair");
  }

  /** {@code llmops.experiment.shadow}. */
  @Override
  public String name() {
    return "llmops.experiment.shadow";
  }
}
