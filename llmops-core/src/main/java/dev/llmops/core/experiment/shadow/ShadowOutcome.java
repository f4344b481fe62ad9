package dev.llmops.core.experiment.shadow;

import dev.llmops.api.Usage;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one side of a primary/shadow pair went. Immutable.
 *
 * @param callId the call's id
 * @param variant the variant the call ran, or null when the primary was in no variant
 * @param endpoint the model endpoint the request was aimed at, or null for the default
 * @param text the answer's text, or null when the call failed
 * @param usage the answer's usage, or null when the call failed
 * @param latency from the start of the call's pipeline below the experiment step to its end, on
 *     the client's clock
 * @param error the call's failure, or null when it answered
 */
public record ShadowOutcome(
    String callId,
    @Nullable String variant,
    @Nullable String endpoint,
    @Nullable String text,
    @Nullable Usage usage,
    Duration latency,
    @Nullable Throwable error) {

  /** Checks the components. */
  public ShadowOutcome {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(latency, "latency");
  }

  /** Whether the call answered. */
  public boolean succeeded() {
    return error == null;
  }
}
