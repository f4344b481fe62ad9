package dev.llmops.core.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ProviderHeadersTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static HttpHeaders headers(Map<String, String> values) {
    Map<String, List<String>> map = new java.util.HashMap<>();
    values.forEach((k, v) -> map.put(k, List.of(v)));
    return HttpHeaders.of(map, (a, b) -> true);
  }

  @Property
  void retryAfterSecondsRoundTrip(@ForAll @LongRange(min = 0, max = 86_400) long seconds) {
    assertThat(ProviderHeaders.parseRetryAfter(Long.toString(seconds), CLOCK)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @Property
  void retryAfterHttpDateIsMeasuredFromTheClock(@ForAll @IntRange(min = -3600, max = 86_400) int offset) {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(CLOCK.instant().plusSeconds(offset).atZone(ZoneOffset.UTC));
    Duration wait = ProviderHeaders.parseRetryAfter(date, CLOCK);
    assertThat(wait).isEqualTo(offset < 0 ? Duration.ZERO : Duration.ofSeconds(offset));
  }

  @Test
  void unreadableValuesAreIgnored() {
    assertThat(ProviderHeaders.parseRetryAfter("soon", CLOCK)).isNull();
    assertThat(ProviderHeaders.parseRetryAfter("", CLOCK)).isNull();
    assertThat(ProviderHeaders.retryAfter(headers(Map.of("retry-after-ms", "NaN", "retry-after", "2")), CLOCK))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(ProviderHeaders.retryAfter(headers(Map.of()), CLOCK)).isNull();
  }

  @Test
  void rateLimitHeadersOfBothProvidersNormalise() {
    HttpHeaders h = headers(Map.of(
        "x-ratelimit-remaining-tokens", "149984",
        "x-ratelimit-reset-requests", "1s",
        "anthropic-ratelimit-input-tokens-reset", "2026-02-25T20:02:37Z",
        "anthropic-ratelimit-requests-limit", "50",
        "x-request-id", "req_1",
        "authorization", "Bearer sk-secret",
        "set-cookie", "a=b"));
    assertThat(ProviderHeaders.metadata(h)).containsOnly(
        Map.entry("ratelimit.tokens.remaining", "149984"),
        Map.entry("ratelimit.requests.reset", "1s"),
        Map.entry("ratelimit.input-tokens.reset", "2026-02-25T20:02:37Z"),
        Map.entry("ratelimit.requests.limit", "50"),
        Map.entry("request.id", "req_1"));
    assertThat(ProviderHeaders.selected(h)).doesNotContainKeys("authorization", "set-cookie")
        .containsKeys("x-ratelimit-remaining-tokens", "anthropic-ratelimit-requests-limit", "x-request-id");
  }
}
