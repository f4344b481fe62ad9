package dev.llmops.testkit;

import dev.llmops.api.AuthenticationException;
import dev.llmops.api.ContentFilteredException;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.OverloadedException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.RateLimitedException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A failure a {@link FakeChatModel} injects, shaped as a real provider's would be: the same typed
 * exception, HTTP status, error code and retry-after that the provider adapters produce.
 * Immutable.
 */
public final class Fault {
  /** What kind of failure. */
  public enum Kind {
    /** An error answer (HTTP status and typed exception). */
    ERROR,
    /** No answer at all until the attempt is cancelled (drives timeouts and deadlines). */
    HANG,
    /** A stream that sends some chunks, then breaks. */
    STREAM_CUT,
    /** A stream that sends every chunk but never a finish reason. */
    STREAM_WITHOUT_FINISH
  }

  private final Kind kind;
  private final String description;
  private final Function<String, LlmException> error;
  private final int cutAfterChunks;

  private Fault(Kind kind, String description, Function<String, LlmException> error, int cutAfterChunks) {
    this.kind = kind;
    this.description = description;
    this.error = error;
    this.cutAfterChunks = cutAfterChunks;
  }

  /** HTTP 429 with {@code retry-after}: a {@link RateLimitedException}. */
  public static Fault rateLimited(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    return error(
        "429 rate limited, retry after " + retryAfter,
        model ->
            new RateLimitedException(
                "fake: rate limited (HTTP 429), retry after " + retryAfter,
                new ErrorDetails(
                    "fake", model, 429, "rate_limit_exceeded", retryAfter,
                    Map.of("retry-after", Long.toString(Math.max(0, retryAfter.toSeconds()))))));
  }

  /** HTTP 429 {@code insufficient_quota}: a {@link QuotaExhaustedException}, not retryable. */
  public static Fault quotaExhausted() {
    return error(
        "429 insufficient_quota",
        model ->
            new QuotaExhaustedException(
                "fake: quota exhausted (HTTP 429 insufficient_quota)",
                ErrorDetails.of("fake", model).withHttpStatus(429).withErrorCode("insufficient_quota")));
  }

  /** HTTP {@code status} (500, 502, 503, 504): a {@link ProviderUnavailableException}. */
  public static Fault serverError(int status) {
    if (status < 500 || status > 599) {
      throw new IllegalArgumentException("a server error status is 5xx but was " + status);
    }
    if (status == 529) {
      return overloaded();
    }
    return error(
        status + " server error",
        model ->
            new ProviderUnavailableException(
                "fake: provider unavailable (HTTP " + status + ")",
                ErrorDetails.of("fake", model).withHttpStatus(status).withErrorCode("server_error")));
  }

  /** HTTP 529 {@code overloaded_error}: an {@link OverloadedException}. */
  public static Fault overloaded() {
    return error(
        "529 overloaded",
        model ->
            new OverloadedException(
                "fake: overloaded (HTTP 529)",
                ErrorDetails.of("fake", model).withHttpStatus(529).withErrorCode("overloaded_error")));
  }

  /** The request timed out at the HTTP layer: an {@link LlmTimeoutException}, after the fake's latency. */
  public static Fault timeout() {
    return error(
        "request timeout",
        model -> new LlmTimeoutException("fake: request timed out", ErrorDetails.of("fake", model).withHttpStatus(408)));
  }

  /** HTTP 400: an {@link InvalidRequestException}. */
  public static Fault invalidRequest() {
    return error(
        "400 invalid request",
        model ->
            new InvalidRequestException(
                "fake: invalid request (HTTP 400)",
                ErrorDetails.of("fake", model).withHttpStatus(400).withErrorCode("invalid_request_error")));
  }

  /** HTTP 401: an {@link AuthenticationException}. */
  public static Fault authentication() {
    return error(
        "401 authentication",
        model ->
            new AuthenticationException(
                "fake: authentication failed (HTTP 401)",
                ErrorDetails.of("fake", model).withHttpStatus(401).withErrorCode("invalid_api_key")));
  }

  /** The provider's content filter refused: a {@link ContentFilteredException}. */
  public static Fault contentFiltered() {
    return error(
        "content filtered",
        model ->
            new ContentFilteredException(
                "fake: content filtered", ErrorDetails.of("fake", model).withHttpStatus(400).withErrorCode("content_filter")));
  }

  /** Any exception, made per attempt by {@code factory} from the fake's model id. */
  public static Fault error(String description, Function<String, LlmException> factory) {
    return new Fault(Kind.ERROR, description, factory, 0);
  }

  /** Never answers; the attempt ends only when cancelled (by a deadline, or the caller). */
  public static Fault hang() {
    return new Fault(Kind.HANG, "hang", Fault::unused, 0);
  }

  /**
   * A stream cut after {@code chunks} chunks: a {@link dev.llmops.api.StreamInterruptedException}
   * with the partial text. On a non-streaming call, the connection drops mid-body: a {@link
   * ProviderUnavailableException}.
   */
  public static Fault streamCutAfter(int chunks) {
    if (chunks < 0) {
      throw new IllegalArgumentException("chunks must be >= 0 but was " + chunks);
    }
    return new Fault(Kind.STREAM_CUT, "stream cut after " + chunks + " chunks", Fault::unused, chunks);
  }

  /**
   * A stream whose chunks all arrive but that ends without a finish reason: a {@link
   * dev.llmops.api.StreamInterruptedException}. On a non-streaming call, a {@link
   * dev.llmops.api.MalformedResponseException} (no {@code finish_reason}).
   */
  public static Fault streamWithoutFinishReason() {
    return new Fault(Kind.STREAM_WITHOUT_FINISH, "stream without finish reason", Fault::unused, 0);
  }

  /** The kind of failure. */
  public Kind kind() {
    return kind;
  }

  /** For {@link Kind#STREAM_CUT}, how many chunks arrive before the cut. */
  public int cutAfterChunks() {
    return cutAfterChunks;
  }

  /** The exception for an {@link Kind#ERROR} fault on the fake with model id {@code model}. */
  public LlmException exception(String model) {
    return error.apply(model);
  }

  @Override
  public String toString() {
    return "Fault[" + description + "]";
  }

  private static LlmException unused(String model) {
    throw new IllegalStateException("this fault kind makes no error answer");
  }
}
