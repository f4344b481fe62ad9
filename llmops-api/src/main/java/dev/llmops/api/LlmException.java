package dev.llmops.api;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception llmops throws. Unchecked; subclasses carry structured fields rather
 * than meaning hidden in the message, and each says whether a retry may succeed.
 *
 * <p>Messages never contain API keys, prompts or answers: a provider's error body is summarised
 * (its type and code), and whatever text is kept passes through redaction where it is logged.
 */
public abstract class LlmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ErrorDetails details;

  /**
   * Creates an exception.
   *
   * @param message what happened, naming the provider, model, file, key or field involved
   * @param details structured fields
   * @param cause the underlying failure, or null
   */
  protected LlmException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.details = Objects.requireNonNull(details, "details");
  }

  /** True when the same request may succeed if sent again later. */
  public abstract boolean retryable();

  /** The structured fields of this failure. */
  public ErrorDetails details() {
    return details;
  }

  /** The provider involved ({@code "openai"}, {@code "anthropic"}, {@code "llmops"} for local). */
  public String provider() {
    return details.provider();
  }

  /** The model endpoint or provider model involved, or empty. */
  public String model() {
    return details.model();
  }

  /** The HTTP status the provider answered with, or 0 when there was none. */
  public int httpStatus() {
    return details.httpStatus();
  }

  /** How long the provider asked to wait before retrying, or null when it did not say. */
  public @Nullable Duration retryAfter() {
    return details.retryAfter();
  }

  /**
   * Structured fields shared by all llmops exceptions. Immutable.
   *
   * @param provider the provider name, or {@code "llmops"} for a failure raised locally
   * @param model the model endpoint or provider model, or empty
   * @param httpStatus the HTTP status, or 0 when none
   * @param errorCode the provider's error code or type ({@code insufficient_quota},
   *     {@code overloaded_error}), or empty
   * @param retryAfter the wait the provider asked for ({@code retry-after}, {@code retry-after-ms}),
   *     or null
   * @param headers selected response headers (rate-limit headers, request id); never secrets
   */
  public record ErrorDetails(
      String provider,
      String model,
      int httpStatus,
      String errorCode,
      @Nullable Duration retryAfter,
      Map<String, String> headers) {

    /** Details of a failure raised by llmops itself, not by a provider. */
    public static final ErrorDetails LOCAL = new ErrorDetails("llmops", "", 0, "", null, Map.of());

    /** Checks the components and copies the map. */
    public ErrorDetails {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(errorCode, "errorCode");
      headers = Map.copyOf(headers);
      if (retryAfter != null && retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
      }
    }

    /** Details naming only a provider and a model. */
    public static ErrorDetails of(String provider, String model) {
      return new ErrorDetails(provider, model, 0, "", null, Map.of());
    }

    /** These details with an HTTP status. */
    public ErrorDetails withHttpStatus(int httpStatus) {
      return new ErrorDetails(provider, model, httpStatus, errorCode, retryAfter, headers);
    }

    /** These details with a provider error code. */
    public ErrorDetails withErrorCode(String errorCode) {
      return new ErrorDetails(provider, model, httpStatus, errorCode, retryAfter, headers);
    }

    /** These details with a retry-after wait. */
    public ErrorDetails withRetryAfter(@Nullable Duration retryAfter) {
      return new ErrorDetails(provider, model, httpStatus, errorCode, retryAfter, headers);
    }

    /** These details with response headers. */
    public ErrorDetails withHeaders(Map<String, String> headers) {
      return new ErrorDetails(provider, model, httpStatus, errorCode, retryAfter, headers);
    }
  }
}
