package dev.llmops.core.resilience;

import dev.failsafe.Policy;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.AuthenticationException;
import dev.llmops.api.BulkheadFullException;
import dev.llmops.api.CallEvent;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.CircuitOpenException;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.OverloadedException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.core.pipeline.Capability;
import dev.llmops.core.pipeline.Wiring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The resilience configuration of a client: retries, timeouts, circuit breakers, bulkheads and
 * fallback endpoints, in LLM terms. Immutable and thread-safe; install it with {@code
 * LlmClient.builder().resilience(resilience)}.
 *
 * <pre>{@code
 * Resilience resilience = Resilience.builder()
 *     .maxAttempts(3)                                        // per endpoint, first try included
 *     .backoff(Duration.ofMillis(500), Duration.ofSeconds(8))
 *     .honourRetryAfter(Duration.ofSeconds(30))              // wait longer than that? give up on the endpoint
 *     .deadline(Duration.ofSeconds(60))                      // the whole call, all attempts and waits
 *     .attemptTimeout(Duration.ofSeconds(20))                // one attempt (a stream: until its first chunk)
 *     .circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(5, Duration.ofSeconds(30)))
 *     .bulkhead(64, Duration.ofMillis(200))                  // per endpoint
 *     .fallbackTo("cheap")
 *     .build();
 * }</pre>
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li><b>Retried</b> on the same endpoint: rate limited, overloaded, unavailable, timed out, a
 *       stream cut before its first chunk reached the caller. <b>Never retried</b>: invalid
 *       request, authentication, content filtered, exhausted quota, an open breaker, a full
 *       bulkhead, a cancellation.
 *   <li>The wait before a retry is the provider's {@code Retry-After} when it gave one (exactly,
 *       without jitter), else exponential backoff with jitter drawn from the configured {@link
 *       RandomGenerator}. If the wait exceeds the maximum {@code Retry-After} or would end after the
 *       deadline, the endpoint is given up at once.
 *   <li>An endpoint given up for a reason the fallback predicate accepts (by default: retryable
 *       errors, exhausted quota, open breaker, full bulkhead, authentication) passes the call to the
 *       next fallback endpoint; each fallback is published as a {@link FallbackTaken} event and
 *       recorded as {@link #FALLBACK}.
 *   <li>Streams: once a chunk reached the caller there is no retry and no fallback; a failure
 *       then ends the call with a {@link StreamInterruptedException} carrying the text the caller
 *       already received.
 *   <li>The <b>deadline</b> bounds the whole call from the moment it reaches the resilience step:
 *       every attempt, wait and fallback. The <b>attempt timeout</b> bounds one attempt (for a
 *       stream, the time to its first chunk); a timed-out attempt is cancelled and may be retried.
 *       Both run on the client's scheduler with one pending task per call.
 * </ul>
 *
 * <p>Defaults: 3 attempts per endpoint, backoff 500 ms doubling to at most 30 s with 20 % jitter,
 * {@code Retry-After} honoured up to 60 s, no deadline, no attempt timeout, no circuit breaker, no
 * bulkhead, no fallbacks.
 */
@SuppressWarnings("exports") // Capability is the client's unexported wiring contract; see Capability
public final class Resilience implements Capability {
  /** The last fallback a call took: which endpoint answered instead, and why. */
  public static final AttributeKey<FallbackTaken> FALLBACK =
      AttributeKey.of("llmops.resilience.fallback", FallbackTaken.class);

  final int maxAttempts;
  final Duration initialBackoff;
  final Duration maxBackoff;
  final double backoffMultiplier;
  final double jitter;
  final @Nullable Duration maxRetryAfter;
  final @Nullable Duration deadline;
  final @Nullable Duration attemptTimeout;
  final @Nullable CircuitBreakerPolicy circuitBreaker;
  final int bulkheadMaxConcurrent;
  final Duration bulkheadMaxWait;
  final List<String> fallbacks;
  final Predicate<Throwable> fallbackWhen;
  final RandomGenerator random;
  final List<Policy<ChatResponse>> failsafePolicies;
  final @Nullable BiConsumer<String, CircuitState> circuitListener;

  /** The steps installed in clients, each with its own breakers and bulkheads. */
  private final List<ResilienceInterceptor> installed = new CopyOnWriteArrayList<>();

  private Resilience(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.backoffMultiplier = b.backoffMultiplier;
    this.jitter = b.jitter;
    this.maxRetryAfter = b.maxRetryAfter;
    this.deadline = b.deadline;
    this.attemptTimeout = b.attemptTimeout;
    this.circuitBreaker = b.circuitBreaker;
    this.bulkheadMaxConcurrent = b.bulkheadMaxConcurrent;
    this.bulkheadMaxWait = b.bulkheadMaxWait;
    this.fallbacks = List.copyOf(b.fallbacks);
    this.fallbackWhen = b.fallbackWhen;
    this.random = b.random;
    this.failsafePolicies = List.copyOf(b.failsafePolicies);
    this.circuitListener = b.circuitListener;
  }

  /** A new builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults: retries with backoff and {@code Retry-After}, nothing else. */
  public static Resilience defaults() {
    return builder().build();
  }

  /** Attempts per endpoint, the first one included. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The overall deadline of a call, or null for none. */
  public @Nullable Duration deadline() {
    return deadline;
  }

  /** The timeout of one attempt, or null for none. */
  public @Nullable Duration attemptTimeout() {
    return attemptTimeout;
  }

  /** The fallback endpoints, in the order they are tried. */
  public List<String> fallbacks() {
    return fallbacks;
  }

  /**
   * Installs the resilience step into a client being built, as an interceptor in the {@code
   * RESILIENCE} slot and as a listener (it releases breaker and bulkhead permits when a call is
   * cancelled); {@code LlmClient.Builder} calls it, applications do not.
   *
   * @throws IllegalStateException if a fallback endpoint is not registered
   */
  @Override
  public void install(Wiring wiring) {
    Set<String> endpoints = wiring.endpoints().names();
    for (String f : fallbacks) {
      if (!endpoints.contains(f)) {
        throw new IllegalStateException(
            "resilience fallback endpoint '" + f + "' is not registered; registered: " + endpoints);
      }
    }
    ResilienceInterceptor step =
        new ResilienceInterceptor(this, wiring.clock(), wiring.scheduler(), endpoints, wiring.endpoints().defaultName());
    installed.add(step);
    wiring.interceptor(step);
    wiring.listener(step);
  }

  /**
   * The state of {@code endpoint}'s circuit breaker in the client this configuration is installed
   * in ({@link CircuitState#CLOSED} before any attempt); installed in several clients, the most
   * open of their states.
   */
  public CircuitState circuitState(String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    CircuitState worst = CircuitState.CLOSED;
    for (ResilienceInterceptor step : installed) {
      CircuitState s = step.circuitState(endpoint);
      if (s == CircuitState.OPEN || (s == CircuitState.HALF_OPEN && worst == CircuitState.CLOSED)) {
        worst = s;
      }
    }
    return worst;
  }

  /** How many calls are inside the resilience step right now, in every client it is installed in. */
  public int activeCalls() {
    return installed.stream().mapToInt(ResilienceInterceptor::activeCalls).sum();
  }

  /** The steps this configuration is installed in, one per client. */
  List<ResilienceInterceptor> installed() {
    return List.copyOf(installed);
  }

  /** The backoff before retrying after failed attempt {@code failedAttempt} (from 1), jittered. */
  Duration backoff(int failedAttempt) {
    double nanos = (double) initialBackoff.toNanos() * Math.pow(backoffMultiplier, failedAttempt - 1.0);
    double capped = Math.min(nanos, (double) maxBackoff.toNanos());
    double u;
    synchronized (random) {
      u = random.nextDouble();
    }
    return Duration.ofNanos((long) (capped * (1.0 - jitter * u)));
  }

  /** Whether a failure may succeed if sent to the same endpoint again. */
  static boolean retryable(Throwable t) {
    return t instanceof LlmException e
        && e.retryable()
        && !(e instanceof QuotaExhaustedException
            || e instanceof CircuitOpenException
            || e instanceof BulkheadFullException);
  }

  /** Whether a failure says something bad about the endpoint (for its circuit breaker). */
  static boolean endpointFailure(Throwable t) {
    return !(t instanceof LlmException e) || e.retryable() || e instanceof QuotaExhaustedException;
  }

  /** The default fallback predicate; see {@link Builder#fallbackWhen}. */
  static boolean defaultFallbackWhen(Throwable t) {
    return t instanceof LlmException e
        && (e.retryable()
            || e instanceof QuotaExhaustedException
            || e instanceof CircuitOpenException
            || e instanceof BulkheadFullException
            || e instanceof AuthenticationException);
  }

  /** A short code for why an attempt or endpoint failed. */
  static String reason(Throwable t) {
    if (t instanceof QuotaExhaustedException) {
      return "quota_exhausted";
    } else if (t instanceof CircuitOpenException) {
      return "circuit_open";
    } else if (t instanceof BulkheadFullException) {
      return "bulkhead_full";
    } else if (t instanceof RateLimitedException) {
      return "rate_limited";
    } else if (t instanceof OverloadedException) {
      return "overloaded";
    } else if (t instanceof ProviderUnavailableException) {
      return "unavailable";
    } else if (t instanceof LlmTimeoutException) {
      return "timeout";
    } else if (t instanceof StreamInterruptedException) {
      return "stream_interrupted";
    } else if (t instanceof AuthenticationException) {
      return "authentication";
    }
    return "error";
  }

  @Override
  public String toString() {
    return "Resilience[maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + ".." + maxBackoff
        + ", maxRetryAfter=" + maxRetryAfter + ", deadline=" + deadline + ", attemptTimeout=" + attemptTimeout
        + ", circuitBreaker=" + circuitBreaker + ", bulkhead=" + bulkheadMaxConcurrent + "/" + bulkheadMaxWait
        + ", fallbacks=" + fallbacks + "]";
  }

  /** Builds a {@link Resilience}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private double backoffMultiplier = 2.0;
    private double jitter = 0.2;
    private @Nullable Duration maxRetryAfter = Duration.ofSeconds(60);
    private @Nullable Duration deadline;
    private @Nullable Duration attemptTimeout;
    private @Nullable CircuitBreakerPolicy circuitBreaker;
    private int bulkheadMaxConcurrent;
    private Duration bulkheadMaxWait = Duration.ZERO;
    private final List<String> fallbacks = new ArrayList<>();
    private Predicate<Throwable> fallbackWhen = Resilience::defaultFallbackWhen;
    private RandomGenerator random = new SplittableRandom();
    private final List<Policy<ChatResponse>> failsafePolicies = new ArrayList<>();
    private @Nullable BiConsumer<String, CircuitState> circuitListener;

    private Builder() {}

    /** Attempts per endpoint, the first one included (default 3); 1 turns retries off. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Exponential backoff from {@code initial}, doubling, to at most {@code max} (default 500 ms to 30 s). */
    public Builder backoff(Duration initial, Duration max) {
      return backoff(initial, max, 2.0);
    }

    /** Exponential backoff from {@code initial}, times {@code multiplier} per retry, to at most {@code max}. */
    public Builder backoff(Duration initial, Duration max, double multiplier) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative()) {
        throw new IllegalArgumentException("initial backoff must be >= 0 but was " + initial);
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max backoff " + max + " must be >= initial backoff " + initial);
      }
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("backoff multiplier must be a finite number >= 1 but was " + multiplier);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      this.backoffMultiplier = multiplier;
      return this;
    }

    /**
     * The share of each backoff removed at random, in [0, 1] (default 0.2: waits fall between 80 %
     * and 100 % of the backoff). {@code Retry-After} waits are never jittered.
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("jitter must be in [0, 1] but was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** The random source of the jitter (default an unseeded {@link SplittableRandom}); seed it in tests. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Waits as long as the provider's {@code Retry-After} (or {@code retry-after-ms}) asks before
     * retrying, up to {@code maxWait} (default 60 s); a longer wait gives the endpoint up at once
     * (fallback, or the call fails with the provider's error).
     */
    public Builder honourRetryAfter(Duration maxWait) {
      Objects.requireNonNull(maxWait, "maxWait");
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must be >= 0 but was " + maxWait);
      }
      this.maxRetryAfter = maxWait;
      return this;
    }

    /** Ignores {@code Retry-After}: every retry waits the backoff. */
    public Builder ignoreRetryAfter() {
      this.maxRetryAfter = null;
      return this;
    }

    /**
     * The overall deadline of a call: all attempts, waits and fallbacks (default none). When it
     * passes, the attempt in flight is cancelled and the call fails with an {@link
     * LlmTimeoutException} (or a {@link StreamInterruptedException} if chunks were delivered).
     */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /**
     * The timeout of one attempt (default none): the whole answer, or for a stream its first
     * chunk. A timed-out attempt is cancelled and counts as a retryable {@link LlmTimeoutException}.
     * Prefer also setting the HTTP client's own request timeout in the provider adapter.
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      this.attemptTimeout = positive(attemptTimeout, "attemptTimeout");
      return this;
    }

    /** A circuit breaker per endpoint (default none). */
    public Builder circuitBreaker(CircuitBreakerPolicy policy) {
      this.circuitBreaker = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * A bulkhead per endpoint (default none): at most {@code maxConcurrent} attempts in flight; a
     * further attempt waits up to {@code maxWait} for a slot (on the scheduler, no thread blocks),
     * then is shed with a {@link BulkheadFullException}.
     */
    public Builder bulkhead(int maxConcurrent, Duration maxWait) {
      Objects.requireNonNull(maxWait, "maxWait");
      if (maxConcurrent < 1) {
        throw new IllegalArgumentException("maxConcurrent must be >= 1 but was " + maxConcurrent);
      }
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must be >= 0 but was " + maxWait);
      }
      this.bulkheadMaxConcurrent = maxConcurrent;
      this.bulkheadMaxWait = maxWait;
      return this;
    }

    /** Appends fallback endpoints, tried in order after the requested endpoint gives up. */
    public Builder fallbackTo(String... endpoints) {
      for (String e : endpoints) {
        Objects.requireNonNull(e, "endpoint");
        if (e.isBlank()) {
          throw new IllegalArgumentException("fallback endpoint name must not be blank");
        }
        if (fallbacks.contains(e)) {
          throw new IllegalArgumentException("fallback endpoint '" + e + "' is listed twice");
        }
        fallbacks.add(e);
      }
      return this;
    }

    /**
     * Which failures move a call on to the next fallback endpoint (default: retryable errors,
     * exhausted quota, open breaker, full bulkhead, authentication). Cancellations never do.
     */
    public Builder fallbackWhen(Predicate<Throwable> predicate) {
      this.fallbackWhen = Objects.requireNonNull(predicate, "predicate");
      return this;
    }

    /**
     * Adds a Failsafe policy (a rate limiter, say) applied to every attempt, inside the retries:
     * the escape hatch for what this configuration does not cover. Do not add a Failsafe {@code
     * Timeout}: use {@link #attemptTimeout}, which cancels the attempt properly.
     */
    public Builder failsafePolicy(Policy<ChatResponse> policy) {
      failsafePolicies.add(Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Called with the endpoint and its new state whenever a circuit breaker changes state (for
     * metrics and logs). Runs on the thread that caused the change; must be fast and not throw.
     */
    public Builder onCircuitStateChange(BiConsumer<String, CircuitState> listener) {
      this.circuitListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Builds the configuration. */
    public Resilience build() {
      return new Resilience(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0 but was " + d);
      }
      return d;
    }
  }

  /**
   * Published when a call moves on to the next endpoint of the fallback chain, and recorded on the
   * call as {@link Resilience#FALLBACK} (the last one taken), so the {@link dev.llmops.api.Completion}
   * says which endpoint answered and why.
   *
   * @param from the endpoint that failed
   * @param to the endpoint tried next
   * @param reason why {@code from} was given up, a short code: {@code quota_exhausted}, {@code
   *     circuit_open}, {@code bulkhead_full}, {@code rate_limited}, {@code overloaded}, {@code
   *     unavailable}, {@code timeout}, {@code stream_interrupted}, {@code authentication} or {@code
   *     error}
   */
  public record FallbackTaken(String from, String to, String reason) implements CallEvent {

    /** Checks the components. */
    public FallbackTaken {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String name() {
      return "llmops.resilience.fallback";
    }
  }

  /**
   * Published when an attempt failed and another attempt on the same endpoint is scheduled.
   *
   * @param endpoint the endpoint that will be tried again
   * @param failedAttempt which attempt on this endpoint failed, from 1
   * @param delay how long until the next attempt
   * @param reason why the attempt failed, a short code such as {@code rate_limited}
   * @param retryAfter true when the delay is the provider's {@code Retry-After}, false for backoff
   */
  public record RetryScheduled(String endpoint, int failedAttempt, Duration delay, String reason, boolean retryAfter)
      implements CallEvent {

    /** Checks the components. */
    public RetryScheduled {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String name() {
      return "llmops.resilience.retry";
    }
  }

  /** The state of one endpoint's circuit breaker. */
  public enum CircuitState {
    /** Calls go through; outcomes are counted. */
    CLOSED,
    /** Calls are rejected at once until the open delay has passed. */
    OPEN,
    /** Probe calls go through; their outcome closes or reopens the breaker. */
    HALF_OPEN
  }
}
