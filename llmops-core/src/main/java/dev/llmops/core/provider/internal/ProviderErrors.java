package dev.llmops.core.provider.internal;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.llmops.core.redaction.Redactor;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Maps what a provider answered (an HTTP status with an error body, or a transport failure) onto
 * the typed {@link LlmException}s, with structured {@link ErrorDetails}. Exception messages name
 * the provider, model, status and error code, never the provider's error message (which can echo
 * the prompt) and never credentials. What does come from the provider (the error code and type,
 * the kept header values, a content type) passes {@link #safeText} first: redacted by {@link
 * Redactor#defaults()} and cut short, because a compatible server may put anything there.
 * Stateless and thread-safe.
 */
public final class ProviderErrors {
  private static final Set<String> QUOTA_CODES =
      Set.of("insufficient_quota", "billing_hard_limit_reached", "billing_not_active", "billing_error");
  private static final Set<String> CONTENT_FILTER_CODES =
      Set.of("content_filter", "content_policy_violation");

  /** The longest piece of provider text an exception carries. */
  private static final int MAX_TEXT = 100;

  private ProviderErrors() {}

  /**
   * Provider text made fit for an exception: control characters replaced, personal data and
   * secrets redacted, cut to 100 characters. An error code such as {@code rate_limit_exceeded}
   * comes back unchanged.
   */
  public static String safeText(String text) {
    StringBuilder printable = null;
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        if (printable == null) {
          printable = new StringBuilder(text);
        }
        printable.setCharAt(i, ' ');
      }
    }
    String redacted = Redactor.defaults().redact(printable == null ? text : printable.toString());
    return redacted.length() <= MAX_TEXT ? redacted : redacted.substring(0, MAX_TEXT) + "...";
  }

  /**
   * The provider's error {@code code} and {@code type}, read from either body shape: OpenAI's
   * {@code {"error":{"type","code",...}}} and Anthropic's {@code
   * {"type":"error","error":{"type",...}}}; each passed through {@link #safeText} when read.
   *
   * @param code the error code, or empty
   * @param type the error type, or empty
   */
  public record ErrorBody(String code, String type) {
    /** Passes both through {@link #safeText}. */
    public ErrorBody {
      code = safeText(code);
      type = safeText(type);
    }

    /** The most specific of the two: the code, else the type, else empty. */
    public String mostSpecific() {
      return code.isEmpty() ? type : code;
    }

    /** Reads an error body; unreadable or foreign bodies give empty fields. */
    public static ErrorBody parse(byte[] body) {
      try {
        return of(Json.MAPPER.readTree(body));
      } catch (IOException | RuntimeException e) {
        return new ErrorBody("", "");
      }
    }

    /** Reads an already parsed error body. */
    public static ErrorBody of(@Nullable JsonNode root) {
      JsonNode error = root == null ? null : root.get("error");
      if (error == null || !error.isObject()) {
        return new ErrorBody("", "");
      }
      String code = Json.text(error.get("code"));
      String type = Json.text(error.get("type"));
      return new ErrorBody(code == null ? "" : code, type == null ? "" : type);
    }
  }

  /**
   * The exception for an HTTP error answer.
   *
   * <ul>
   *   <li>400, 404, 413, 422 and other 4xx: {@link InvalidRequestException} ({@link
   *       ContentFilteredException} when the code names a content filter)
   *   <li>401, 403: {@link AuthenticationException}
   *   <li>402, or any status with a quota/billing code ({@code insufficient_quota}): {@link
   *       QuotaExhaustedException}, not retryable
   *   <li>408: {@link LlmTimeoutException}
   *   <li>429: {@link RateLimitedException}
   *   <li>529, or {@code overloaded_error}: {@link OverloadedException}
   *   <li>500, 502, 503, 504 and other 5xx: {@link ProviderUnavailableException}
   * </ul>
   */
  public static LlmException fromStatus(
      String provider, String model, int status, HttpHeaders headers, byte[] body, Clock clock) {
    ErrorBody error = ErrorBody.parse(body);
    String code = error.mostSpecific();
    Duration retryAfter = ProviderHeaders.retryAfter(headers, clock);
    ErrorDetails details =
        new ErrorDetails(provider, model, status, code, retryAfter, ProviderHeaders.selected(headers));
    String message =
        provider + " model " + model + ": HTTP " + status + (code.isEmpty() ? "" : " " + code);
    if (QUOTA_CODES.contains(error.code()) || QUOTA_CODES.contains(error.type()) || status == 402) {
      return new QuotaExhaustedException(message + " (quota exhausted; not retryable)", details);
    }
    if (status == 529 || error.type().equals("overloaded_error")) {
      return new OverloadedException(message + " (overloaded)", details);
    }
    switch (status) {
      case 401, 403 -> {
        return new AuthenticationException(message + " (credentials refused)", details);
      }
      case 408 -> {
        return new LlmTimeoutException(message + " (request timeout)", details);
      }
      case 429 -> {
        return new RateLimitedException(
            message + " (rate limited" + (retryAfter == null ? "" : ", retry after " + retryAfter) + ")",
            details);
      }
      default -> {
        // mapped below by range
      }
    }
    if (status >= 500) {
      return new ProviderUnavailableException(message + " (provider unavailable)", details);
    }
    if (CONTENT_FILTER_CODES.contains(error.code()) || CONTENT_FILTER_CODES.contains(error.type())) {
      return new ContentFilteredException(message + " (content filtered)", details);
    }
    return new InvalidRequestException(message + " (request rejected)", details);
  }

  /**
   * The exception for an error reported inside a stream (OpenAI {@code {"error":...}}, Anthropic
   * {@code event: error}), by its type: what the same error would be as an HTTP answer. Used as the
   * cause of the stream's {@link dev.llmops.api.StreamInterruptedException}.
   */
  public static LlmException fromStreamError(String provider, String model, ErrorBody error) {
    String code = error.mostSpecific();
    ErrorDetails details = ErrorDetails.of(provider, model).withErrorCode(code);
    String message = provider + " model " + model + ": error event in stream: " + code;
    if (QUOTA_CODES.contains(error.code()) || QUOTA_CODES.contains(error.type())) {
      return new QuotaExhaustedException(message, details);
    }
    return switch (error.type().isEmpty() ? error.code() : error.type()) {
      case "overloaded_error" -> new OverloadedException(message, details);
      case "rate_limit_error", "rate_limit_exceeded", "requests", "tokens" ->
          new RateLimitedException(message, details);
      case "invalid_request_error" -> new InvalidRequestException(message, details);
      case "authentication_error", "permission_error" -> new AuthenticationException(message, details);
      default -> new ProviderUnavailableException(message, details);
    };
  }

  /**
   * The exception for a transport failure before or while reading the answer: a timeout is an
   * {@link LlmTimeoutException}, any other I/O failure a {@link ProviderUnavailableException}; an
   * {@link LlmException} or a cancellation passes through unchanged.
   */
  public static Throwable fromTransport(String provider, String model, Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof LlmException || t instanceof CancellationException) {
      return t;
    }
    ErrorDetails details = ErrorDetails.of(provider, model);
    if (t instanceof HttpConnectTimeoutException) {
      return new LlmTimeoutException(provider + " model " + model + ": connect timed out", details, t);
    }
    if (t instanceof HttpTimeoutException) {
      return new LlmTimeoutException(provider + " model " + model + ": request timed out", details, t);
    }
    return new ProviderUnavailableException(
        provider + " model " + model + ": connection failed (" + t.getClass().getSimpleName() + ")",
        details, t);
  }

  /** The cause inside {@link CompletionException} and {@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
