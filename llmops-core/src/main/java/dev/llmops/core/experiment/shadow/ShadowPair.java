package dev.llmops.core.experiment.shadow;

import dev.llmops.api.Usage;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user's call and its shadow copy, for offline comparison. Immutable.
 *
 * @param experimentKey the experiment whose shadow traffic this is
 * @param primary the user's call (its answer is what the user got)
 * @param shadow the copy sent to the candidate variant (the user never saw it)
 */
public record ShadowPair(String experimentKey, Outcome primary, Outcome shadow) {

  /** Checks the components. */
  public ShadowPair {
    Objects.requireNonNull(experimentKey, "experimentKey");
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(shadow, "shadow");
  }

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
  public record Outcome(
      String callId,
      @Nullable String variant,
      @Nullable String endpoint,
      @Nullable String text,
      @Nullable Usage usage,
      Duration latency,
      @Nullable Throwable error) {

    /** Checks the components. */
    public Outcome {
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(latency, "latency");
    }

    /** Whether the call answered. */
    public boolean succeeded() {
      return error == null;
    }
  }
}
