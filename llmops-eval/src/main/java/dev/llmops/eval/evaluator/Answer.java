package dev.llmops.eval.evaluator;

import dev.llmops.api.Fingerprint;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a candidate answered one case (one repeat): the text and what the call recorded. Immutable.
 *
 * @param text the answer's text
 * @param finishReason why the model stopped
 * @param usage the tokens of the answering attempt
 * @param cost the call's cost, or null when the client keeps no accounts (or the price is unknown)
 * @param latency how long the call took on the client's clock
 * @param fingerprint the call's fingerprint (prompt version, model, parameters, dataset), or null
 */
public record Answer(
    String text,
    FinishReason finishReason,
    Usage usage,
    @Nullable Money cost,
    Duration latency,
    @Nullable Fingerprint fingerprint) {

  /** Checks the components. */
  public Answer {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(latency, "latency");
  }

  /** An answer with just a text (for evaluating texts outside a run, as a judge's calibration does). */
  public static Answer ofText(String text) {
    return new Answer(text, FinishReason.STOP, Usage.ZERO, null, Duration.ZERO, null);
  }
}
