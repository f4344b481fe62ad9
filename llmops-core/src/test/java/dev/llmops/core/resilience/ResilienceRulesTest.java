package dev.llmops.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.AuthenticationException;
import dev.llmops.api.BulkheadFullException;
import dev.llmops.api.CircuitOpenException;
import dev.llmops.api.ContentFilteredException;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.OverloadedException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.StreamInterruptedException;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The step's rules as data: which failure is retried, counted, fallen back from, and its reason code. */
class ResilienceRulesTest {
  private static final ErrorDetails D = ErrorDetails.of("p", "m");

  /** failure, reason code, retryable, an endpoint failure (for the breaker), falls back by default. */
  static List<Arguments> failures() {
    return List.of(
        Arguments.of(new RateLimitedException("x", D), "rate_limited", true, true, true),
        Arguments.of(new OverloadedException("x", D), "overloaded", true, true, true),
        Arguments.of(new ProviderUnavailableException("x", D), "unavailable", true, true, true),
        Arguments.of(new LlmTimeoutException("x", D), "timeout", true, true, true),
        Arguments.of(
            new StreamInterruptedException("x", D, "", null, 0, true, null), "stream_interrupted", true, true, true),
        Arguments.of(
            new StreamInterruptedException("x", D, "ab", null, 1, false, null), "stream_interrupted", false, false, false),
        Arguments.of(new QuotaExhaustedException("x", D), "quota_exhausted", false, true, true),
        Arguments.of(new CircuitOpenException("x", D), "circuit_open", false, false, true),
        Arguments.of(new BulkheadFullException("x", D), "bulkhead_full", false, false, true),
        Arguments.of(new AuthenticationException("x", D), "authentication", false, false, true),
        Arguments.of(new InvalidRequestException("x", D), "error", false, false, false),
        Arguments.of(new ContentFilteredException("x", D), "error", false, false, false),
        Arguments.of(new IllegalStateException("bug"), "error", false, true, false));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void eachFailureHasItsReasonRetryBreakerAndFallbackRule(
      Throwable failure, String reason, boolean retryable, boolean endpointFailure, boolean fallsBack) {
    assertThat(Resilience.reason(failure)).isEqualTo(reason);
    assertThat(Resilience.retryable(failure)).as("retryable").isEqualTo(retryable);
    assertThat(Resilience.endpointFailure(failure)).as("counts against the breaker").isEqualTo(endpointFailure);
    assertThat(Resilience.defaultFallbackWhen(failure)).as("falls back").isEqualTo(fallsBack);
  }

  @Test
  void backoffGrowsByTheMultiplierUpToTheMaximumAndJitterRemovesAShareOfIt() {
    Resilience exact =
        Resilience.builder().backoff(Duration.ofSeconds(1), Duration.ofSeconds(5), 3.0).jitter(0.0).build();
    assertThat(exact.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(exact.backoff(2)).isEqualTo(Duration.ofSeconds(3));
    assertThat(exact.backoff(3)).isEqualTo(Duration.ofSeconds(5));
    assertThat(exact.backoff(30)).isEqualTo(Duration.ofSeconds(5));

    RandomGenerator half = () -> 0L; // nextDouble() of a generator whose bits are all zero is 0
    Resilience jittered =
        Resilience.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(8)).jitter(0.5).random(new Fixed(0.5)).build();
    assertThat(jittered.backoff(1)).isEqualTo(Duration.ofMillis(1500));
    assertThat(jittered.backoff(2)).isEqualTo(Duration.ofSeconds(3));
    assertThat(Resilience.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(8)).jitter(1.0).random(half).build().backoff(1))
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void defaultsAndAccessors() {
    Resilience d = Resilience.defaults();
    assertThat(d.maxAttempts()).isEqualTo(3);
    assertThat(d.deadline()).isNull();
    assertThat(d.attemptTimeout()).isNull();
    assertThat(d.fallbacks()).isEmpty();
    assertThat(d.maxRetryAfter).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.backoff(1)).isBetween(Duration.ofMillis(400), Duration.ofMillis(500));
    assertThat(d.backoff(20)).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(30));
    assertThat(d.circuitBreaker).isNull();
    assertThat(d.bulkheadMaxConcurrent).isZero();

    Resilience r =
        Resilience.builder()
            .maxAttempts(5)
            .deadline(Duration.ofSeconds(9))
            .attemptTimeout(Duration.ofSeconds(2))
            .ignoreRetryAfter()
            .bulkhead(4, Duration.ofMillis(10))
            .fallbackTo("a", "b")
            .build();
    assertThat(r.maxAttempts()).isEqualTo(5);
    assertThat(r.deadline()).isEqualTo(Duration.ofSeconds(9));
    assertThat(r.attemptTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.maxRetryAfter).isNull();
    assertThat(r.fallbacks()).containsExactly("a", "b");
    assertThat(r.toString())
        .contains("maxAttempts=5", "deadline=PT9S", "attemptTimeout=PT2S", "bulkhead=4/PT0.01S", "fallbacks=[a, b]");
  }

  @Test
  void theBuilderRejectsEachBadSettingNamingIt() {
    Resilience.Builder b = Resilience.builder();
    assertThatThrownBy(() -> b.maxAttempts(0)).hasMessageContaining("maxAttempts must be >= 1 but was 0");
    assertThat(b.maxAttempts(1)).isSameAs(b);
    assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(-1), Duration.ofSeconds(1))).hasMessageContaining("initial backoff");
    assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("max backoff");
    assertThatThrownBy(() -> b.backoff(Duration.ZERO, Duration.ofSeconds(1), 0.5)).hasMessageContaining("multiplier");
    assertThatThrownBy(() -> b.backoff(Duration.ZERO, Duration.ofSeconds(1), Double.POSITIVE_INFINITY))
        .hasMessageContaining("multiplier");
    assertThatThrownBy(() -> b.backoff(Duration.ZERO, Duration.ofSeconds(1), Double.NaN)).hasMessageContaining("multiplier");
    assertThat(b.backoff(Duration.ZERO, Duration.ZERO, 1.0)).isSameAs(b);
    assertThatThrownBy(() -> b.jitter(-0.1)).hasMessageContaining("jitter");
    assertThatThrownBy(() -> b.jitter(1.1)).hasMessageContaining("jitter");
    assertThat(b.jitter(0.0).jitter(1.0)).isSameAs(b);
    assertThatThrownBy(() -> b.honourRetryAfter(Duration.ofSeconds(-1))).hasMessageContaining("maxWait");
    assertThat(b.honourRetryAfter(Duration.ZERO)).isSameAs(b);
    assertThatThrownBy(() -> b.deadline(Duration.ZERO)).hasMessageContaining("deadline must be > 0");
    assertThatThrownBy(() -> b.deadline(Duration.ofSeconds(-1))).hasMessageContaining("deadline must be > 0");
    assertThatThrownBy(() -> b.attemptTimeout(Duration.ZERO)).hasMessageContaining("attemptTimeout must be > 0");
    assertThatThrownBy(() -> b.bulkhead(0, Duration.ZERO)).hasMessageContaining("maxConcurrent");
    assertThatThrownBy(() -> b.bulkhead(1, Duration.ofMillis(-1))).hasMessageContaining("maxWait");
    assertThat(b.bulkhead(1, Duration.ZERO)).isSameAs(b);
    assertThatThrownBy(() -> b.fallbackTo(" ")).hasMessageContaining("blank");
    assertThatThrownBy(() -> b.fallbackTo("x", "x")).hasMessageContaining("'x' is listed twice");
  }

  @Test
  void aCircuitBreakerPolicyChecksItsComponents() {
    CircuitBreakerPolicy p = CircuitBreakerPolicy.failuresInWindow(2, 5, Duration.ofSeconds(3));
    assertThat(p).isEqualTo(new CircuitBreakerPolicy(2, 5, Duration.ofSeconds(3), 1));
    assertThat(p.withSuccessThreshold(3).successThreshold()).isEqualTo(3);
    assertThat(CircuitBreakerPolicy.consecutiveFailures(4, Duration.ofSeconds(1)).window()).isEqualTo(4);
    assertThatThrownBy(() -> new CircuitBreakerPolicy(0, 1, Duration.ofSeconds(1), 1)).hasMessageContaining("failureThreshold");
    assertThatThrownBy(() -> new CircuitBreakerPolicy(2, 1, Duration.ofSeconds(1), 1)).hasMessageContaining("window");
    assertThat(new CircuitBreakerPolicy(2, 2, Duration.ofMillis(1), 1).window()).isEqualTo(2);
    assertThatThrownBy(() -> new CircuitBreakerPolicy(1, 1, Duration.ZERO, 1)).hasMessageContaining("openDelay");
    assertThatThrownBy(() -> new CircuitBreakerPolicy(1, 1, Duration.ofSeconds(-1), 1)).hasMessageContaining("openDelay");
    assertThatThrownBy(() -> p.withSuccessThreshold(0)).hasMessageContaining("successThreshold");
  }

  @Test
  void eventsNameThemselves() {
    assertThat(new Resilience.RetryScheduled("e", 1, Duration.ZERO, "timeout", false).name()).isEqualTo("llmops.resilience.retry");
    assertThat(new Resilience.FallbackTaken("a", "b", "error").name()).isEqualTo("llmops.resilience.fallback");
  }

  /** A generator whose nextDouble() is always {@code value}. */
  private record Fixed(double value) implements RandomGenerator {
    @Override
    public long nextLong() {
      return 0;
    }

    @Override
    public double nextDouble() {
      return value;
    }
  }
}
