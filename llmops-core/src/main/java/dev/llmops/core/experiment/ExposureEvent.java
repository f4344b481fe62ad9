package dev.llmops.core.experiment;

import dev.llmops.api.CallEvent;
import java.util.Objects;

/**
 * A call was exposed to an experiment variant: published by the experiment step to the client's
 * listeners (for analytics pipelines), once per call that got an {@link Assignment}. The subject
 * is the call's context ({@code CallInfo.context()}), not repeated here. Immutable.
 *
 * @param assignment the variant given and why
 */
public record ExposureEvent(Assignment assignment) implements CallEvent {

  /** Checks the component. */
  public ExposureEvent {
    Objects.requireNonNull(assignment, "assignment");
  }

  /** {@code llmops.experiment.exposure}. */
  @Override
  public String name() {
    return "llmops.experiment.exposure";
  }
}
