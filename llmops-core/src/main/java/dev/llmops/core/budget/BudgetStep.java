package dev.llmops.core.budget;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Cost;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Interceptor;
import dev.llmops.api.ToolDefinition;
import dev.llmops.api.ToolSet;
import dev.llmops.api.Usage;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.pipeline.CostGate;
import dev.llmops.core.pipeline.Endpoints;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.tokens.TokenCounter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission and the cost gate of one client. As an interceptor in the {@code ADMISSION} slot it
 * reserves for the call's first attempt (rejecting, waiting or downgrading when a limit has no
 * room) and records itself on the call as its {@link CostGate}, holding that reservation for the
 * accounting step; as the gate it reserves for every further attempt and settles or releases each
 * one. Thread-safe.
 */
final class BudgetStep implements Interceptor, CostGate {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetStep.class);
  private static final AttributeKey<Reservation> HANDOFF =
      AttributeKey.internal("llmops.budget.admitted", Reservation.class);

  private final Budgets config;
  private final Endpoints endpoints;
  private final Clock clock;
  private final TaskScheduler scheduler;
  private final BudgetStore store;
  private final CounterKeys counterKeys;
  /** Per rate limit, its token buckets by scope value; shadow calls' apart. */
  private final List<Cache<String, TokenBucket>> buckets;
  private final List<Cache<String, TokenBucket>> shadowBuckets;
  private final boolean hardMoney;
  /** When admission next asks the store to forget expired counters (epoch millis). */
  private final AtomicLong nextEviction = new AtomicLong(Long.MIN_VALUE);

  BudgetStep(Budgets config, Endpoints endpoints, Clock clock, TaskScheduler scheduler) {
    this.config = config;
    this.endpoints = endpoints;
    this.clock = clock;
    this.scheduler = scheduler;
    this.store = config.store();
    this.counterKeys = new CounterKeys(config.budgets());
    List<Cache<String, TokenBucket>> perLimit = new ArrayList<>();
    List<Cache<String, TokenBucket>> shadowPerLimit = new ArrayList<>();
    for (int i = 0; i < config.rateLimits().size(); i++) {
      perLimit.add(newBuckets(clock));
      shadowPerLimit.add(newBuckets(clock));
    }
    this.buckets = List.copyOf(perLimit);
    this.shadowBuckets = List.copyOf(shadowPerLimit);
    boolean anyHardMoney = false;
    for (Budget b : config.budgets()) {
      anyHardMoney |= b.hard() && b.unit() == Budget.Unit.MONEY;
    }
    this.hardMoney = anyHardMoney;
  }

  /**
   * Token buckets by scope value, each dropped once unused for {@link #BUCKET_IDLE} on the client's
   * clock: a bucket refills within a minute, so one idle that long is full again and a new one is
   * the same (unless a single call's usage ran it more than nine minutes into debt, which is then
   * forgiven). Maintenance runs on the calling thread, never on a pool.
   */
  private static Cache<String, TokenBucket> newBuckets(Clock clock) {
    return Caffeine.newBuilder()
        .expireAfterAccess(BUCKET_IDLE)
        .ticker(() -> Math.multiplyExact(clock.millis(), 1_000_000L))
        .executor(Runnable::run)
        .build();
  }

  /** How often, on the client's clock, admission asks the store to forget expired counters. */
  static final long EVICT_EVERY_MILLIS = 1_000;

  /** How long a rate limit's bucket for one scope value is kept unused. */
  static final Duration BUCKET_IDLE = Duration.ofMinutes(10);

  /** The number of rate-limit buckets held, after dropping those idle too long; for tests. */
  long retainedBuckets() {
    long n = 0;
    for (List<Cache<String, TokenBucket>> caches : List.of(buckets, shadowBuckets)) {
      for (Cache<String, TokenBucket> c : caches) {
        c.cleanUp();
        n += c.estimatedSize();
      }
    }
    return n;
  }

  // ---- admission ----

  @Override
  public CompletionStage<ChatResponse> intercept(Chain chain) {
    return admit(chain, chain.request(), false, null);
  }

  private CompletionStage<ChatResponse> admit(
      Chain chain, ChatRequest request, boolean downgraded, @Nullable Instant waitDeadline) {
    Endpoints.Endpoint endpoint = endpoints.resolve(request.model());
    if (endpoint == null) {
      return chain.proceed(request); // the model step reports the unknown endpoint
    }
    CallInfo call = chain.call();
    Object outcome;
    try {
      outcome = tryReserve(call.context(), request, endpoint, chain);
    } catch (ConfigurationException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (outcome instanceof Reservation r) {
      for (BudgetEvents.SoftLimitExceeded e : r.softExceeded) {
        chain.publish(e);
      }
      call.attributes().put(CostGate.KEY, this);
      call.attributes().put(HANDOFF, r);
      return chain.proceed(request).whenComplete(r); // releases it if no attempt took it
    }
    Denial d = (Denial) outcome;
    OverLimit action = d.action;
    return switch (action.action()) {
      case WAIT -> waitForRoom(chain, request, downgraded, waitDeadline, d);
      case DOWNGRADE -> {
        String to = action.endpoint();
        if (!downgraded && to != null && !to.equals(endpoint.name()) && endpoints.get(to) != null) {
          chain.publish(new BudgetEvents.Downgraded(endpoint.name(), to, d.scope, d.limit));
          yield admit(chain, request.withModel(to), true, waitDeadline);
        }
        yield CompletableFuture.failedFuture(d.exception());
      }
      case REJECT -> CompletableFuture.failedFuture(d.exception());
    };
  }

  /** Tries admission again once the denial's limit has room, if that is within the wait bound. */
  private CompletionStage<ChatResponse> waitForRoom(
      Chain chain, ChatRequest request, boolean downgraded, @Nullable Instant waitDeadline, Denial d) {
    Instant now = clock.instant();
    Instant deadline = waitDeadline != null ? waitDeadline : now.plus(d.action.maxWait());
    Instant retryAt = d.retryAt;
    if (retryAt == null || retryAt.isAfter(deadline)) {
      return CompletableFuture.failedFuture(d.exception());
    }
    Duration wait = Duration.between(now, retryAt);
    chain.publish(new BudgetEvents.Waiting(wait, d.scope, d.limit));
    CallInfo call = chain.call();
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    var unused = scheduler.schedule(() -> {
      if (call.cancelled()) {
        result.cancel(false);
        return;
      }
      admit(chain, request, downgraded, deadline).whenComplete((response, error) -> {
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(response);
        }
      });
    }, wait);
    return result;
  }

  // ---- the cost gate: every attempt ----

  @Override
  public Settlement open(CallInfo call, ChatRequest request, Endpoints.Endpoint endpoint) {
    Reservation admitted = call.attributes().getOrNull(HANDOFF);
    if (admitted != null && admitted.claim()) {
      if (admitted.endpoint.equals(endpoint.name())) {
        return admitted;
      }
      admitted.release(); // admission reserved for another endpoint than this attempt uses
    }
    Object outcome = tryReserve(call.context(), request, endpoint, admitted != null ? admitted.events : null);
    if (outcome instanceof Reservation r) {
      return r;
    }
    throw ((Denial) outcome).exception();
  }

  @Override
  public void callEnded(CallInfo call) {
    Reservation admitted = call.attributes().getOrNull(HANDOFF);
    if (admitted != null && admitted.claim()) {
      admitted.release();
    }
  }

  /**
   * A {@link Reservation} when every limit had room, else the first {@link Denial}. When the
   * caller set no output cap and a hard budget that rejects has no room for the default one, the
   * cap is lowered to what every hard budget has room for (at least {@link
   * Budgets.Builder#minOutputTokens}) and the budgets are reserved again. A cap the caller set is
   * kept (the call is rejected rather than cut short), and a budget that waits or downgrades does
   * that instead, for a whole answer.
   *
   * @throws ConfigurationException if a hard money budget applies and the endpoint has no price
   *     and {@link UnpricedModels} has no fallback
   */
  private Object tryReserve(
      CallContext ctx, ChatRequest request, Endpoints.Endpoint endpoint, @Nullable Chain events) {
    long nowMillis = clock.millis();
    evictExpired(nowMillis);
    long nowNanos = Math.multiplyExact(nowMillis, 1_000_000L);
    long inBound = TokenCounter.upperBound(request.messages()) + textBound(request.toolsJson())
        + typedToolsBound(request.tools()) + textBound(request.responseFormatJson());
    ModelPrice catalogPrice = endpoint.price();
    ModelPrice price = catalogPrice != null ? catalogPrice : config.unpricedModels().fallbackPrice();
    if (price == null && hardMoney) {
      throw unpriced(endpoint);
    }
    Integer requested = request.parameters().maxOutputTokens();
    long outBound = requested != null ? requested
        : catalogPrice != null && catalogPrice.maxOutputTokens() > 0 ? catalogPrice.maxOutputTokens()
        : config.defaultMaxOutputTokens();
    Reservation r = new Reservation(endpoint.name(), nowNanos, ctx, events, catalogPrice == null ? price : null);
    try {
      Denial limited = takeRateLimits(r, ctx, inBound, nowNanos);
      if (limited != null) {
        return limited;
      }
      Denial denied = reserveBudgets(r, ctx, price, inBound, outBound, nowMillis);
      if (denied != null && denied.lowerable && requested == null
          && denied.action.action() == OverLimit.Action.REJECT) {
        long fit = fittingOutput(ctx, price, inBound, outBound, nowMillis);
        if (fit >= config.minOutputTokens() && fit < outBound) {
          denied = reserveBudgets(r, ctx, price, inBound, fit, nowMillis);
        }
      }
      if (denied != null) {
        r.release();
        return denied;
      }
      return r;
    } catch (RuntimeException e) {
      // A store that fails (a shared store that cannot answer, failing closed) must not leave the
      // budgets reserved before it holding their share until their windows end.
      r.release();
      throw e;
    }
  }

  /** At most once per {@link #EVICT_EVERY_MILLIS}: the store forgets counters whose window passed. */
  private void evictExpired(long nowMillis) {
    long next = nextEviction.get();
    if (nowMillis >= next && nextEviction.compareAndSet(next, nowMillis + EVICT_EVERY_MILLIS)) {
      try {
        store.evictExpired(Instant.ofEpochMilli(nowMillis));
      } catch (RuntimeException e) {
        // Housekeeping never fails a call: the counters are forgotten at the next sweep.
        LOG.warn("budget store {} failed to forget expired counters: {}", store.getClass().getName(), e.toString());
      }
    }
  }

  private ConfigurationException unpriced(Endpoints.Endpoint endpoint) {
    String budget = "";
    for (Budget b : config.budgets()) {
      if (b.hard() && b.unit() == Budget.Unit.MONEY) {
        budget = b.name();
        break;
      }
    }
    return new ConfigurationException(
        "no price for model '" + endpoint.info().modelId() + "' of provider '" + endpoint.info().provider()
            + "' (endpoint '" + endpoint.name() + "'), so hard money budget '" + budget
            + "' cannot bound its cost; add its price (PriceCatalog.withOverride) or set "
            + "Budgets.Builder.unpricedModels(UnpricedModels.reserveAt(price))");
  }

  /** Takes from every rate limit; on a denial gives back what was taken and returns it. */
  private @Nullable Denial takeRateLimits(Reservation r, CallContext ctx, long inBound, long nowNanos) {
    List<RateLimit> limits = config.rateLimits();
    for (int i = 0; i < limits.size(); i++) {
      RateLimit rl = limits.get(i);
      Cache<String, TokenBucket> limitBuckets = (Scope.shadow(ctx) ? shadowBuckets : buckets).get(i);
      TokenBucket bucket = limitBuckets.get(rl.scope().value(ctx), k -> new TokenBucket(rl.perMinute()));
      long amount = rl.unit() == RateLimit.Unit.REQUESTS ? 1 : inBound;
      long wait = bucket.tryTake(amount, nowNanos);
      if (wait > 0) {
        r.release();
        Instant at = clock.instant().plusNanos(wait);
        return new Denial(rl.scope().key(ctx), rl.describe(), at, at, rl.onExceeded(), false);
      }
      if (rl.unit() == RateLimit.Unit.TOKENS) {
        r.buckets().add(new BucketPart(bucket, amount));
      }
    }
    return null;
  }

  /**
   * Reserves {@code inBound} input and {@code outBound} output tokens on every budget, recording
   * the parts and the output cap on {@code r}; on a denial frees the budget parts reserved so far
   * and returns it.
   */
  private @Nullable Denial reserveBudgets(
      Reservation r, CallContext ctx, @Nullable ModelPrice price, long inBound, long outBound, long nowMillis) {
    r.budgets.clear();
    r.softExceeded = List.of();
    r.outputCap = 0;
    long moneyNanos = price == null ? 0 : price.upperBoundNanos(inBound, outBound);
    List<Budget> budgets = config.budgets();
    for (int i = 0; i < budgets.size(); i++) {
      Budget b = budgets.get(i);
      String key = counterKeys.key(i, ctx, nowMillis);
      long amount = b.unit() == Budget.Unit.MONEY ? moneyNanos : inBound + outBound;
      Window w = b.window();
      if (w.isRolling()) {
        long bucket = w.bucket(nowMillis);
        // The counter is needed until this bucket leaves the window.
        Instant leaves = w.bucketStart(bucket + w.buckets() + 1);
        if (!store.reserveRolling(key, bucket, w.buckets(), amount, b.hard() ? b.limit() : Long.MAX_VALUE, leaves)) {
          r.releaseBudgets();
          Instant reset = rollingRoomAt(b, key, bucket, amount);
          return new Denial(b.scope().key(ctx), b.describe(), reset, reset, b.onExceeded(), true);
        }
        if (!b.hard() && store.balanceRolling(key, bucket, w.buckets()).committed() > b.limit()) {
          r.softExceeded().add(new BudgetEvents.SoftLimitExceeded(b.scope().key(ctx), b.describe()));
        }
        r.budgets.add(new BudgetPart(b, key, amount, bucket));
      } else {
        Instant end = counterKeys.end(i, nowMillis);
        long limit = b.hard() ? b.limit() : Long.MAX_VALUE;
        boolean reserved = end == null ? store.reserve(key, amount, limit) : store.reserve(key, amount, limit, end);
        if (b.hard()) {
          if (!reserved) {
            r.releaseBudgets();
            Instant reset = b.window().end(clock.instant());
            return new Denial(b.scope().key(ctx), b.describe(), reset, reset, b.onExceeded(), true);
          }
        } else {
          if (store.balance(key).committed() > b.limit()) {
            r.softExceeded().add(new BudgetEvents.SoftLimitExceeded(b.scope().key(ctx), b.describe()));
          }
        }
        r.budgets.add(new BudgetPart(b, key, amount, 0));
      }
      if (b.hard()) {
        r.outputCap = outBound;
      }
    }
    return null;
  }

  /**
   * The most output tokens that every hard budget has room for now, beside {@code inBound} input
   * tokens; at most {@code outBound}, below 0 when the input alone does not fit.
   */
  private long fittingOutput(CallContext ctx, @Nullable ModelPrice price, long inBound, long outBound, long nowMillis) {
    long fit = outBound;
    List<Budget> budgets = config.budgets();
    for (int i = 0; i < budgets.size(); i++) {
      Budget b = budgets.get(i);
      if (!b.hard()) {
        continue;
      }
      String key = counterKeys.key(i, ctx, nowMillis);
      Window w = b.window();
      BudgetStore.Balance balance = w.isRolling()
          ? store.balanceRolling(key, w.bucket(nowMillis), w.buckets())
          : store.balance(key);
      long room = b.limit() - balance.committed();
      if (b.unit() == Budget.Unit.TOKENS) {
        fit = Math.min(fit, room - inBound);
      } else if (price != null) {
        fit = Math.min(fit, fittingOutput(price, inBound, fit, room));
      }
    }
    return fit;
  }

  /** The most output tokens, at most {@code max}, whose upper-bound cost beside {@code in} is within {@code room}. */
  static long fittingOutput(ModelPrice price, long in, long max, long room) {
    return price.fittingOutputTokens(in, max, room);
  }

  /**
   * When enough of a rolling budget's oldest buckets will have left its window for {@code amount}
   * to fit, if nothing else is reserved meanwhile; when {@code amount} exceeds the limit, when all
   * of the current spending has left.
   */
  private Instant rollingRoomAt(Budget b, String key, long bucket, long amount) {
    Window w = b.window();
    BudgetStore.Balance[] balances = store.rollingBalances(key, bucket, w.buckets());
    long committed = 0;
    for (BudgetStore.Balance x : balances) {
      committed += x.committed();
    }
    for (int i = 0; i < balances.length; i++) {
      committed -= balances[i].committed();
      if (committed <= b.limit() - amount) {
        return w.bucketStart(bucket + i + 1); // bucket (bucket - buckets + i) leaves then
      }
    }
    return w.bucketStart(bucket + balances.length);
  }

  private static long textBound(@Nullable String text) {
    return text == null ? 0 : TokenCounter.upperBound(text);
  }

  /** An upper bound of the tokens the typed tool definitions add to the prompt. */
  private static long typedToolsBound(ToolSet tools) {
    long bound = 0;
    for (ToolDefinition d : tools.definitions()) {
      bound += TokenCounter.upperBound(d.name()) + TokenCounter.upperBound(d.description())
          + TokenCounter.upperBound(d.parametersSchemaJson());
    }
    return bound;
  }

  /** Why a call was not admitted, and when it might be. */
  private static final class Denial {
    final String scope;
    final String limit;
    final @Nullable Instant resetAt;
    final @Nullable Instant retryAt;
    final OverLimit action;
    /** True for a hard budget, which a lower output cap may fit; false for a rate limit. */
    final boolean lowerable;

    Denial(String scope, String limit, @Nullable Instant resetAt, @Nullable Instant retryAt, OverLimit action,
        boolean lowerable) {
      this.scope = scope;
      this.limit = limit;
      this.resetAt = resetAt;
      this.retryAt = retryAt;
      this.action = action;
      this.lowerable = lowerable;
    }

    BudgetExceededException exception() {
      return new BudgetExceededException(
          "call not admitted: " + scope + " is at its limit of " + limit
              + (resetAt == null ? "" : "; room again at " + resetAt),
          scope, limit, resetAt);
    }
  }

  private static final AtomicIntegerFieldUpdater<Reservation> CLAIMED =
      AtomicIntegerFieldUpdater.newUpdater(Reservation.class, "claimed");
  private static final AtomicIntegerFieldUpdater<Reservation> DONE =
      AtomicIntegerFieldUpdater.newUpdater(Reservation.class, "done");

  private record BudgetPart(Budget budget, String key, long amount, long bucket) {}

  private record BucketPart(TokenBucket bucket, long amount) {}

  /** What one attempt holds; settled or released exactly once. */
  final class Reservation implements Settlement, BiConsumer<@Nullable ChatResponse, @Nullable Throwable> {
    final String endpoint;
    final long reservedAtNanos;
    final CallContext context;
    /** Where the reservation's events are published (the admitting call's chain); null for none. */
    final @Nullable Chain events;
    /** The price unpriced usage is charged at (the {@link UnpricedModels} fallback), else null. */
    final @Nullable ModelPrice fallbackPrice;
    /** The output tokens reserved for under a hard budget, which the request sent carries; 0 for none. */
    long outputCap;
    final List<BudgetPart> budgets = new ArrayList<>(2);
    // Made only when a token-counting rate limit takes a part: most reservations have none.
    List<BucketPart> buckets = List.of();
    List<BudgetEvents.SoftLimitExceeded> softExceeded = List.of();
    @SuppressWarnings("UnusedVariable") // read and written through CLAIMED
    private volatile int claimed;
    @SuppressWarnings("UnusedVariable") // read and written through DONE
    private volatile int done;

    Reservation(String endpoint, long reservedAtNanos, CallContext context, @Nullable Chain events,
        @Nullable ModelPrice fallbackPrice) {
      this.endpoint = endpoint;
      this.reservedAtNanos = reservedAtNanos;
      this.context = context;
      this.events = events;
      this.fallbackPrice = fallbackPrice;
    }

    @Override
    public ChatRequest bound(ChatRequest request) {
      long cap = outputCap;
      Integer requested = request.parameters().maxOutputTokens();
      if (cap <= 0 || (requested != null && requested <= cap)) {
        return request;
      }
      int tokens = (int) Math.min(cap, Integer.MAX_VALUE);
      GenerationParameters p = request.parameters().toBuilder().maxOutputTokens(tokens).build();
      return request.withParameters(p);
    }

    /** Frees the budget parts (not the rate limits) and forgets them. */
    void releaseBudgets() {
      for (int i = 0; i < budgets.size(); i++) {
        BudgetPart p = budgets.get(i);
        Window w = p.budget.window();
        if (w.isRolling()) {
          store.releaseRolling(p.key, p.bucket, w.buckets(), p.amount);
        } else {
          store.release(p.key, p.amount);
        }
      }
      budgets.clear();
    }

    List<BucketPart> buckets() {
      if (buckets.isEmpty()) {
        buckets = new ArrayList<>(1);
      }
      return buckets;
    }

    List<BudgetEvents.SoftLimitExceeded> softExceeded() {
      if (softExceeded.isEmpty()) {
        softExceeded = new ArrayList<>(1);
      }
      return softExceeded;
    }

    /** True for the one caller that takes the admitted reservation over. */
    boolean claim() {
      return CLAIMED.compareAndSet(this, 0, 1);
    }

    /** The admitted call's stage completed: release the reservation if no attempt took it. */
    @Override
    public void accept(@Nullable ChatResponse response, @Nullable Throwable error) {
      if (claim()) {
        release();
      }
    }

    @Override
    public void settle(Usage usage, Cost cost, long nanos) {
      if (!DONE.compareAndSet(this, 0, 1)) {
        return;
      }
      long money = nanos;
      ModelPrice fallback = fallbackPrice;
      if (money == 0 && fallback != null) {
        money = fallback.costNanosCeiling(usage); // unpriced: charged at the fallback it reserved at
      }
      for (int i = 0; i < budgets.size(); i++) {
        BudgetPart p = budgets.get(i);
        long actual = p.budget.unit() == Budget.Unit.MONEY ? money : usage.totalTokens();
        Window w = p.budget.window();
        if (w.isRolling()) {
          store.settleRolling(p.key, p.bucket, w.buckets(), p.amount, actual);
        } else {
          store.settle(p.key, p.amount, actual);
        }
        if (p.budget.hard() && actual > p.amount) {
          overshoot(p, actual);
        }
      }
      if (buckets.isEmpty()) {
        return; // no token rate limit: no clock to read
      }
      long now = Math.multiplyExact(clock.millis(), 1_000_000L);
      for (BucketPart p : buckets) {
        p.bucket.adjust(usage.totalTokens() - p.amount, now);
      }
    }

    private void overshoot(BudgetPart p, long actual) {
      // Listeners are isolated by the dispatcher: publishing never throws into settlement.
      if (events != null) {
        events.publish(new BudgetEvents.Overshoot(
            p.budget.scope().key(context), p.budget.describe(), p.amount, actual, actual - p.amount));
      }
    }

    @Override
    public void release() {
      if (!DONE.compareAndSet(this, 0, 1)) {
        return;
      }
      releaseBudgets();
      if (buckets.isEmpty()) {
        return;
      }
      long now = Math.multiplyExact(clock.millis(), 1_000_000L);
      for (BucketPart p : buckets) {
        p.bucket.adjust(-p.amount, now);
      }
    }
  }
}
