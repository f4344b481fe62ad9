package dev.llmops.core.provider.internal;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads what provider response headers say: how long to wait ({@code retry-after-ms}, {@code
 * retry-after} in seconds or as an HTTP date), rate-limit state ({@code x-ratelimit-*}, {@code
 * anthropic-ratelimit-*}) and the request id. Stateless and thread-safe.
 */
public final class ProviderHeaders {
  private static final Set<String> KEPT =
      Set.of("retry-after", "retry-after-ms", "x-request-id", "request-id", "x-should-retry");
  private static final List<String> LIMIT_KINDS = List.of("limit", "remaining", "reset");

  private ProviderHeaders() {}

  /**
   * The wait the provider asked for: {@code retry-after-ms} (milliseconds, may be fractional)
   * first, then {@code retry-after} (seconds, or an HTTP date measured against {@code clock}).
   * A date in the past gives zero; an unreadable value is ignored.
   *
   * @return the wait, or null when the headers name none
   */
  public static @Nullable Duration retryAfter(HttpHeaders headers, Clock clock) {
    Optional<String> millis = headers.firstValue("retry-after-ms");
    if (millis.isPresent()) {
      Duration d = parseMillis(millis.get());
      if (d != null) {
        return d;
      }
    }
    Optional<String> value = headers.firstValue("retry-after");
    return value.isPresent() ? parseRetryAfter(value.get(), clock) : null;
  }

  /** Parses a {@code retry-after} value: delta seconds, or an RFC 1123 date; null if neither. */
  public static @Nullable Duration parseRetryAfter(String value, Clock clock) {
    String v = value.trim();
    if (v.isEmpty()) {
      return null;
    }
    if (Character.isDigit(v.charAt(0))) {
      try {
        double seconds = Double.parseDouble(v);
        return Double.isFinite(seconds) && seconds >= 0
            ? Duration.ofMillis(Math.round(seconds * 1000))
            : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try {
      ZonedDateTime date = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration wait = Duration.between(clock.instant(), date.toInstant());
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static @Nullable Duration parseMillis(String value) {
    try {
      double ms = Double.parseDouble(value.trim());
      return Double.isFinite(ms) && ms >= 0 ? Duration.ofNanos(Math.round(ms * 1_000_000)) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The headers worth keeping with an error: retry hints, request ids and every rate-limit header,
   * under their lower-case names, each value through {@link ProviderErrors#safeText}. Never
   * credentials.
   */
  public static Map<String, String> selected(HttpHeaders headers) {
    Map<String, String> out = new LinkedHashMap<>();
    headers.map().forEach((name, values) -> {
      String n = name.toLowerCase(Locale.ROOT);
      if (!values.isEmpty()
          && (KEPT.contains(n) || n.startsWith("x-ratelimit-") || n.startsWith("anthropic-ratelimit-"))) {
        out.put(n, ProviderErrors.safeText(values.get(0)));
      }
    });
    return out;
  }

  /**
   * Response metadata from the headers: the request id as {@code request.id}, and rate-limit state
   * as {@code ratelimit.<bucket>.<limit|remaining|reset>} for both providers (OpenAI {@code
   * x-ratelimit-remaining-tokens} becomes {@code ratelimit.tokens.remaining}; Anthropic {@code
   * anthropic-ratelimit-input-tokens-reset} becomes {@code ratelimit.input-tokens.reset}). Values
   * are kept as sent: OpenAI resets are durations ({@code 6m0s}), Anthropic's are RFC 3339 times.
   */
  public static Map<String, String> metadata(HttpHeaders headers) {
    Map<String, String> out = new LinkedHashMap<>();
    headers.map().forEach((name, values) -> {
      if (values.isEmpty()) {
        return;
      }
      String n = name.toLowerCase(Locale.ROOT);
      String v = values.get(0);
      if (n.equals("x-request-id") || n.equals("request-id")) {
        out.put("request.id", v);
      } else if (n.startsWith("x-ratelimit-")) {
        // x-ratelimit-<kind>-<bucket>
        String rest = n.substring("x-ratelimit-".length());
        int dash = rest.indexOf('-');
        if (dash > 0 && LIMIT_KINDS.contains(rest.substring(0, dash))) {
          out.put("ratelimit." + rest.substring(dash + 1) + "." + rest.substring(0, dash), v);
        }
      } else if (n.startsWith("anthropic-ratelimit-")) {
        // anthropic-ratelimit-<bucket>-<kind>
        String rest = n.substring("anthropic-ratelimit-".length());
        int dash = rest.lastIndexOf('-');
        if (dash > 0 && LIMIT_KINDS.contains(rest.substring(dash + 1))) {
          out.put("ratelimit." + rest.substring(0, dash) + "." + rest.substring(dash + 1), v);
        }
      }
    });
    return out;
  }
}
