package dev.llmops.eval.monitor;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One score of one production call: an evaluator's verdict on a sampled call, or a user's
 * feedback. It carries what the GenAI semantic conventions' {@code gen_ai.evaluation.result}
 * event needs ({@code gen_ai.evaluation.name}, {@code gen_ai.evaluation.score.value}, {@code
 * gen_ai.evaluation.score.label}, {@code gen_ai.evaluation.explanation}) and the slice the call
 * belongs to, so a score lands on the variant, prompt version and model that produced the answer.
 * Immutable.
 *
 * @param callId the call scored
 * @param name the evaluator's name, or {@code feedback.<kind>} for feedback
 * @param value the score in {@code [0, 1]}, or NaN for a label-only feedback
 * @param label a low-cardinality label ({@code pass}/{@code fail}, a thumb, a user label), or null
 * @param explanation the evaluator's reason or the user's comment (redact before it leaves), or null
 * @param key the call's slice
 * @param at when the score was made
 * @param responseId the provider's id of the answer scored ({@code gen_ai.response.id}, which ties
 *     the event to the call when no span does), or null when unknown
 */
public record OnlineScore(
    String callId,
    String name,
    double value,
    @Nullable String label,
    @Nullable String explanation,
    MonitorKey key,
    Instant at,
    @Nullable String responseId) {

  /** Checks the components. */
  public OnlineScore {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(at, "at");
  }

  /** A score without the answer's response id. */
  public OnlineScore(String callId, String name, double value, @Nullable String label, @Nullable String explanation,
      MonitorKey key, Instant at) {
    this(callId, name, value, label, explanation, key, at, null);
  }
}
