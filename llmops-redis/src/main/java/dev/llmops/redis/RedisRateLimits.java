package dev.llmops.redis;

import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Interceptor;
import dev.llmops.core.budget.RateLimit;
import dev.llmops.core.tokens.TokenCounter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests-per-minute and tokens-per-minute limits shared by every replica, on the Redis of a
 * {@link RedisBudgetStore}: each limit per scope value is one GCRA cell (a single "theoretical
 * arrival time" number, as in redis-cell), taken from by one script call. GCRA rather than a
 * sliding-window log because it keeps one number per key whatever the rate, allows a burst of one
 * minute's worth, refills continuously and tells how long to wait; exact to the microsecond for
 * requests, tokens are charged on the request's safe upper bound (its UTF-8 bytes) at admission
 * and not corrected afterwards.
 *
 * <p>An {@link Interceptor}: add it to the admission step, after the budgets, with {@code
 * LlmClient.builder().step(PipelineStep.ADMISSION, limits)}. It takes from each limit once per
 * call, waiting one round trip per limit; a call over a limit fails with {@link
 * BudgetExceededException} whose reset time is when it would fit. When Redis does not answer, the
 * store's default {@link OutagePolicy} decides: fail closed ({@link BudgetUnavailableException}) or
 * admit within a local bucket of the policy's fraction of the rate. Thread-safe.
 */
public final class RedisRateLimits implements Interceptor {
  private static final long PERIOD_MICROS = 60_000_000L;

  private final RedisBudgetStore store;
  private final List<RateLimit> limits;
  private final LuaScript gcra = LuaScript.load("gcra.lua");
  private final ConcurrentHashMap<String, AtomicLong> localCells = new ConcurrentHashMap<>();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder unavailable = new LongAdder();

  private RedisRateLimits(RedisBudgetStore store, List<RateLimit> limits) {
    this.store = store;
    this.limits = List.copyOf(limits);
  }

  /**
   * Shared limits on the store's Redis, namespace, clock, timeout and default outage policy.
   *
   * @throws IllegalArgumentException if no limit is given
   */
  public static RedisRateLimits of(RedisBudgetStore store, RateLimit... limits) {
    Objects.requireNonNull(store, "store");
    if (limits.length == 0) {
      throw new IllegalArgumentException("give at least one rate limit");
    }
    List<RateLimit> list = new ArrayList<>();
    for (RateLimit l : limits) {
      list.add(Objects.requireNonNull(l, "limits[]"));
    }
    return new RedisRateLimits(store, list);
  }

  /** The limits. */
  public List<RateLimit> limits() {
    return limits;
  }

  /** Calls refused by a limit so far. */
  public long rejected() {
    return rejected.sum();
  }

  /** Takes that Redis did not answer in time (decided by the outage policy) so far. */
  public long unavailable() {
    return unavailable.sum();
  }

  @Override
  public CompletionStage<ChatResponse> intercept(Chain chain) {
    ChatRequest request = chain.request();
    long nowMicros = Math.multiplyExact(store.clock().millis(), 1000L);
    long tokens = -1;
    for (RateLimit limit : limits) {
      long amount;
      if (limit.unit() == RateLimit.Unit.REQUESTS) {
        amount = 1;
      } else {
        if (tokens < 0) {
          tokens = TokenCounter.upperBound(request.messages());
        }
        amount = tokens;
      }
      String scope = limit.scope().key(chain.call().context());
      long wait;
      try {
        wait = take(limit, scope, amount, nowMicros);
      } catch (BudgetUnavailableException e) {
        return CompletableFuture.failedFuture(e);
      }
      if (wait > 0) {
        rejected.increment();
        Instant at = store.clock().instant().plus(Duration.ofNanos(Math.multiplyExact(wait, 1000L)));
        return CompletableFuture.failedFuture(new BudgetExceededException(
            "call not admitted: " + scope + " is at its limit of " + limit.describe() + "; room again at " + at,
            scope, limit.describe(), at));
      }
    }
    return chain.proceed(request);
  }

  /** 0 when taken, else microseconds until {@code amount} would fit. */
  long take(RateLimit limit, String scope, long amount, long nowMicros) {
    String key = store.namespace() + ":{" + RedisBudgetStore.hashTag("|" + scope + "|") + "}:rl:"
        + (limit.unit() == RateLimit.Unit.REQUESTS ? "rpm:" : "tpm:") + limit.perMinute();
    String[] args = {Long.toString(nowMicros), Long.toString(PERIOD_MICROS), Long.toString(limit.perMinute()),
        Long.toString(amount)};
    try {
      List<Object> r = store.await(store.run(gcra, new String[] {key}, args));
      return ((Number) r.get(0)).longValue() == 1 ? 0 : Math.max(1, ((Number) r.get(1)).longValue());
    } catch (ExecutionException | TimeoutException e) {
      unavailable.increment();
      OutagePolicy policy = store.defaultPolicy();
      Throwable cause = RedisBudgetStore.cause(e);
      if (policy.failsClosed()) {
        throw new BudgetUnavailableException(key, cause);
      }
      return takeLocally(key, policy.allowance(limit.perMinute()), amount, nowMicros);
    }
  }

  /** The same cell in this replica's memory, at the fail-open fraction of the rate. */
  private long takeLocally(String key, long perMinute, long amount, long nowMicros) {
    if (perMinute < 1) {
      return PERIOD_MICROS;
    }
    AtomicLong tat = localCells.computeIfAbsent(key, k -> new AtomicLong(Long.MIN_VALUE));
    double interval = (double) PERIOD_MICROS / perMinute;
    while (true) {
      long t = tat.get();
      long base = Math.max(t, nowMicros);
      long next = base + (long) Math.ceil(amount * interval);
      long wait = next - nowMicros - PERIOD_MICROS;
      if (wait > 0) {
        return wait;
      }
      if (tat.compareAndSet(t, next)) {
        return 0;
      }
    }
  }
}
