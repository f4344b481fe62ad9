package dev.llmops.eval.monitor;

import dev.llmops.api.AuthenticationException;
import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.BulkheadFullException;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.CircuitOpenException;
import dev.llmops.api.ContentFilteredException;
import dev.llmops.api.FinishReason;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.MalformedResponseException;
import dev.llmops.api.OverloadedException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.StreamInterruptedException;
import java.util.List;

/**
 * A quantity monitors keep distributions of.
 *
 * <p>The four numeric signals ({@link #sketched()}: latency, tokens in and out, cost) are kept by
 * a {@link DriftMonitor} in HdrHistogram histograms (values rounded to whole units, at most
 * {@link #highestTrackable()}; relative bucket width at most 1/16), compared by the PSI over ten
 * bins at the reference's deciles and the two-sample Kolmogorov–Smirnov test. The other signals
 * are categorical: one counter per category (scores and feedback: ten equal bins over {@code [0,
 * 1]}), compared by the PSI and the chi-square test over the categories.
 *
 * <p>{@link #bins()} and {@link #bin} give every signal fixed bins: categories as above, and for
 * the numeric ones half-octave bins ({@code [0,1)}, then {@code [2^(k/2), 2^((k+1)/2))}, 48
 * counters up to about 16 million, relative width 41 %). A {@link GuardedRollout}'s drift guards
 * use them, because a {@link RolloutStore} adds named counters, not histograms.
 */
public enum Signal {
  /** Call latency in milliseconds, on the monitor's clock (up to one hour). */
  LATENCY_MS(48, 3_600_000L),
  /** Input tokens of the answering attempt (up to 2^24). */
  INPUT_TOKENS(48, 1L << 24),
  /** Output tokens of the answering attempt (up to 2^24). */
  OUTPUT_TOKENS(48, 1L << 24),
  /** The call's cost in micro-dollars (up to $1,000). */
  COST_MICRO_USD(48, 1_000_000_000L),
  /** The finish reason: one bin per {@link dev.llmops.api.FinishReason}, then one for failed calls. */
  OUTCOME(16, 0),
  /** Evaluator scores, in {@code [0, 1]}: ten equal bins. */
  SCORE(10, 0),
  /**
   * The error type of a failed call, one bin per type in this order (the first that matches):
   * rate limited, quota exhausted, overloaded, provider unavailable, timeout, stream interrupted,
   * authentication, invalid request, content filtered, malformed response, budget exceeded,
   * circuit open, bulkhead full, another {@link LlmException}, anything else.
   */
  ERROR_TYPE(15, 0),
  /**
   * Whether the model refused: 1 for an answer that stopped on the content filter (OpenAI's
   * {@code content_filter}, Anthropic's {@code refusal}) or carries OpenAI's {@code refusal}
   * message, and for a call failed with {@link ContentFilteredException}; 0 for other answers.
   */
  REFUSAL(2, 0),
  /**
   * Whether what the user supplied to a sampled call (its user messages, a prompt call's text
   * variables) held personal data (1) or not (0), as a redactor finds it.
   */
  PII_IN_INPUT(2, 0),
  /** Numeric user feedback, in {@code [0, 1]}: ten equal bins. */
  FEEDBACK(10, 0);

  /** The error types of {@link #ERROR_TYPE}, in bin order; the last two bins are "other". */
  private static final List<Class<? extends Throwable>> ERROR_TYPES = List.of(
      RateLimitedException.class, QuotaExhaustedException.class, OverloadedException.class,
      ProviderUnavailableException.class, LlmTimeoutException.class, StreamInterruptedException.class,
      AuthenticationException.class, InvalidRequestException.class, ContentFilteredException.class,
      MalformedResponseException.class, BudgetExceededException.class, CircuitOpenException.class,
      BulkheadFullException.class);

  private final int bins;
  private final long highestTrackable;

  Signal(int bins, long highestTrackable) {
    this.bins = bins;
    this.highestTrackable = highestTrackable;
  }

  /** How many fixed bins (see the class comment). */
  public int bins() {
    return bins;
  }

  /** True for the numeric signals a {@link DriftMonitor} keeps in histograms. */
  public boolean sketched() {
    return highestTrackable > 0;
  }

  /** The largest value a histogram of this signal keeps apart (larger ones count as it); 0 if not {@link #sketched()}. */
  public long highestTrackable() {
    return highestTrackable;
  }

  /** The fixed bin of {@code value} (for a categorical signal, the category's index, clamped). */
  int bin(double value) {
    return switch (this) {
      case SCORE, FEEDBACK -> Math.min(bins - 1, (int) (Math.max(0, Math.min(1, value)) * bins));
      case OUTCOME, ERROR_TYPE, REFUSAL, PII_IN_INPUT -> Math.max(0, Math.min(bins - 1, (int) value));
      default -> value >= 1 ? Math.min(bins - 1, 1 + (int) Math.floor(2 * Math.log(value) / Math.log(2))) : 0;
    };
  }

  /** The {@link #REFUSAL} value of an answer: 1 if the model refused, else 0. */
  static int refusal(ChatResponse response) {
    return response.finishReason() == FinishReason.CONTENT_FILTER || response.metadata().containsKey(REFUSAL_METADATA)
        ? 1 : 0;
  }

  /** The response metadata key of OpenAI's refusal message. */
  static final String REFUSAL_METADATA = "refusal";

  /** The {@link #ERROR_TYPE} bin of {@code error}. */
  static int errorType(Throwable error) {
    for (int i = 0; i < ERROR_TYPES.size(); i++) {
      if (ERROR_TYPES.get(i).isInstance(error)) {
        return i;
      }
    }
    return error instanceof LlmException ? ERROR_TYPES.size() : ERROR_TYPES.size() + 1;
  }
}
