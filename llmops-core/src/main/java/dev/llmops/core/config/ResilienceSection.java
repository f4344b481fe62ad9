package dev.llmops.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.core.resilience.CircuitBreakerPolicy;
import dev.llmops.core.resilience.Resilience;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The {@code resilience} section. */
final class ResilienceSection extends Section {
  private static final Set<String> RESILIENCE = Set.of(
      "maxAttempts", "backoff", "retryAfter", "deadline", "attemptTimeout", "circuitBreaker", "bulkhead", "fallbacks");
  private static final Set<String> BACKOFF = Set.of("initial", "max", "multiplier", "jitter");
  private static final Set<String> RETRY_AFTER = Set.of("honour", "maxWait");
  private static final Set<String> BREAKER = Set.of("failures", "window", "openDelay", "successes");
  private static final Set<String> BULKHEAD = Set.of("maxConcurrent", "maxWait");


  ResilienceSection(Assembler a) {
    super(a);
  }

  /** Installs the {@code resilience} section in the client; returns what it installed, or null. */
  @Nullable Resilience resilience() {
    JsonNode n = r.object(root, "resilience", "resilience", RESILIENCE);
    if (n == null) {
      return null;
    }
    Resilience.Builder b = Resilience.builder();
    bindings.random().ifPresent(b::random);
    Integer attempts = r.smallInteger(n, "maxAttempts", "resilience.maxAttempts", 1);
    if (attempts != null) {
      b.maxAttempts(attempts);
    }
    JsonNode backoff = r.object(n, "backoff", "resilience.backoff", BACKOFF);
    if (backoff != null) {
      Duration initial = r.duration(backoff, "initial", "resilience.backoff.initial");
      Duration max = r.duration(backoff, "max", "resilience.backoff.max");
      Double multiplier = r.number(backoff, "multiplier", "resilience.backoff.multiplier", 1.0, 100.0);
      Double jitter = r.number(backoff, "jitter", "resilience.backoff.jitter", 0.0, 1.0);
      if (initial != null || max != null || multiplier != null) {
        Duration i = initial != null ? initial : Duration.ofMillis(500);
        Duration m = max != null ? max : Duration.ofSeconds(30);
        double x = multiplier != null ? multiplier : 2.0;
        r.apply("resilience.backoff", () -> b.backoff(i, m, x));
      }
      if (jitter != null) {
        b.jitter(jitter);
      }
    }
    JsonNode retryAfter = r.object(n, "retryAfter", "resilience.retryAfter", RETRY_AFTER);
    if (retryAfter != null) {
      boolean honour = r.bool(retryAfter, "honour", "resilience.retryAfter.honour", true);
      Duration maxWait = r.duration(retryAfter, "maxWait", "resilience.retryAfter.maxWait");
      if (!honour) {
        b.ignoreRetryAfter();
      } else if (maxWait != null) {
        b.honourRetryAfter(maxWait);
      }
    }
    Duration deadline = r.duration(n, "deadline", "resilience.deadline");
    if (deadline != null) {
      r.apply("resilience.deadline", () -> b.deadline(deadline));
    }
    Duration attemptTimeout = r.duration(n, "attemptTimeout", "resilience.attemptTimeout");
    if (attemptTimeout != null) {
      r.apply("resilience.attemptTimeout", () -> b.attemptTimeout(attemptTimeout));
    }
    JsonNode breaker = r.object(n, "circuitBreaker", "resilience.circuitBreaker", BREAKER);
    if (breaker != null) {
      Integer failures = r.smallInteger(breaker, "failures", "resilience.circuitBreaker.failures", 1);
      Integer window = r.smallInteger(breaker, "window", "resilience.circuitBreaker.window", 1);
      Duration openDelay = r.duration(breaker, "openDelay", "resilience.circuitBreaker.openDelay");
      Integer successes = r.smallInteger(breaker, "successes", "resilience.circuitBreaker.successes", 1);
      if (ConfigReader.present(breaker, "failures") == null) {
        r.problem("resilience.circuitBreaker.failures", "required: failures that open the breaker");
      }
      if (ConfigReader.present(breaker, "openDelay") == null) {
        r.problem("resilience.circuitBreaker.openDelay", "required: how long the breaker stays open, such as 30s");
      }
      if (failures != null && openDelay != null) {
        CircuitBreakerPolicy policy = r.build("resilience.circuitBreaker", () -> window == null
            ? CircuitBreakerPolicy.consecutiveFailures(failures, openDelay)
            : CircuitBreakerPolicy.failuresInWindow(failures, window, openDelay));
        if (policy != null && successes != null) {
          CircuitBreakerPolicy p = policy;
          policy = r.build("resilience.circuitBreaker.successes", () -> p.withSuccessThreshold(successes));
        }
        if (policy != null) {
          b.circuitBreaker(policy);
        }
      }
    }
    JsonNode bulkhead = r.object(n, "bulkhead", "resilience.bulkhead", BULKHEAD);
    if (bulkhead != null) {
      Integer max = r.smallInteger(bulkhead, "maxConcurrent", "resilience.bulkhead.maxConcurrent", 1);
      Duration wait = r.duration(bulkhead, "maxWait", "resilience.bulkhead.maxWait");
      if (ConfigReader.present(bulkhead, "maxConcurrent") == null) {
        r.problem("resilience.bulkhead.maxConcurrent", "required: attempts in flight per endpoint");
      }
      if (max != null) {
        b.bulkhead(max, wait != null ? wait : Duration.ZERO);
      }
    }
    List<String> fallbacks = r.strings(n, "fallbacks", "resilience.fallbacks");
    for (int i = 0; i < fallbacks.size(); i++) {
      String f = fallbacks.get(i);
      if (a.knownModel(f, "resilience.fallbacks[" + i + "]")) {
        r.apply("resilience.fallbacks[" + i + "]", () -> b.fallbackTo(f));
      }
    }
    Resilience built = b.build();
    client.resilience(built);
    return built;
  }
}
