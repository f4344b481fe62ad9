package dev.llmops.core.budget;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Cost;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Admission and the cost gate of one client. As an interceptor in the {@code ADMISSION} slot it
 * reserves for the call's first attempt (rejecting, waiting or downgrading when a limit has no
 * room) and records itself on the call as its {@link CostGate}, holding that reservation for the
 * accounting step; as the gate it reserves for every further attempt and settles or releases each
 * one. Thread-safe.
 */
final class BudgetStep implements Interceptor, CostGate {
  private static final AttributeKey<Reservation> HANDOFF =
      AttributeKey.internal("llmops.budget.admitted", Reservation.class);

  private final Budgets config;
  private final Endpoints endpoints;
  private final Clock clock;
  private final TaskScheduler scheduler;
  private final BudgetStore store;
  private final CounterKeys counterKeys;
  private final List<ConcurrentHashMap<String, TokenBucket>> buckets;

  BudgetStep(Budgets config, Endpoints endpoints, Clock clock, TaskScheduler scheduler) {
    this.config = config;
    this.endpoints = endpoints;
    this.clock = clock;
    this.scheduler = scheduler;
    this.store = config.store();
    this.counterKeys = new CounterKeys(config.budgets());
    List<ConcurrentHashMap<String, TokenBucket>> perLimit = new ArrayList<>();
    for (int i = 0; i < config.rateLimits().size(); i++) {
      perLimit.add(new ConcurrentHashMap<>());
    }
    this.buckets = List.copyOf(perLimit);
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
    Object outcome = tryReserve(call.context(), request, endpoint);
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
    Object outcome = tryReserve(call.context(), request, endpoint);
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

  /** A {@link Reservation} when every limit had room, else the first {@link Denial}. */
  private Object tryReserve(CallContext ctx, ChatRequest request, Endpoints.Endpoint endpoint) {
    long nowMillis = clock.millis();
    long nowNanos = Math.multiplyExact(nowMillis, 1_000_000L);
    long inBound = TokenCounter.upperBound(request.messages()) + textBound(request.toolsJson())
        + typedToolsBound(request.tools()) + textBound(request.responseFormatJson());
    ModelPrice price = endpoint.price();
    Integer requested = request.parameters().maxOutputTokens();
    long outBound = requested != null ? requested
        : price != null && price.maxOutputTokens() > 0 ? price.maxOutputTokens() : config.defaultMaxOutputTokens();
    long moneyNanos = price == null ? 0 : price.upperBoundNanos(inBound, outBound);
    Reservation r = new Reservation(endpoint.name(), nowNanos);
    List<RateLimit> limits = config.rateLimits();
    for (int i = 0; i < limits.size(); i++) {
      RateLimit rl = limits.get(i);
      ConcurrentHashMap<String, TokenBucket> limitBuckets = buckets.get(i);
      String value = rl.scope().value(ctx);
      TokenBucket bucket = limitBuckets.get(value);
      if (bucket == null) {
        bucket = limitBuckets.computeIfAbsent(value, k -> new TokenBucket(rl.perMinute()));
      }
      long amount = rl.unit() == RateLimit.Unit.REQUESTS ? 1 : inBound;
      long wait = bucket.tryTake(amount, nowNanos);
      if (wait > 0) {
        r.release();
        Instant at = clock.instant().plusNanos(wait);
        return new Denial(rl.scope().key(ctx), rl.describe(), at, at, rl.onExceeded());
      }
      if (rl.unit() == RateLimit.Unit.TOKENS) {
        r.buckets().add(new BucketPart(bucket, amount));
      }
    }
    List<Budget> budgets = config.budgets();
    for (int i = 0; i < budgets.size(); i++) {
      Budget b = budgets.get(i);
      String key = counterKeys.key(i, ctx, nowMillis);
      long amount = b.unit() == Budget.Unit.MONEY ? moneyNanos : inBound + outBound;
      Window w = b.window();
      if (w.isRolling()) {
        long bucket = w.bucket(nowMillis);
        if (!store.reserveRolling(key, bucket, w.buckets(), amount, b.hard() ? b.limit() : Long.MAX_VALUE)) {
          r.release();
          Instant reset = rollingRoomAt(b, key, bucket, amount);
          return new Denial(b.scope().key(ctx), b.describe(), reset, reset, b.onExceeded());
        }
        if (!b.hard() && store.balanceRolling(key, bucket, w.buckets()).committed() > b.limit()) {
          r.softExceeded().add(new BudgetEvents.SoftLimitExceeded(b.scope().key(ctx), b.describe()));
        }
        r.budgets.add(new BudgetPart(b, key, amount, bucket));
        continue;
      }
      if (b.hard()) {
        if (!store.reserve(key, amount, b.limit())) {
          r.release();
          Instant reset = b.window().end(clock.instant());
          return new Denial(b.scope().key(ctx), b.describe(), reset, reset, b.onExceeded());
        }
      } else {
        store.reserve(key, amount, Long.MAX_VALUE);
        if (store.balance(key).committed() > b.limit()) {
          r.softExceeded().add(new BudgetEvents.SoftLimitExceeded(b.scope().key(ctx), b.describe()));
        }
      }
      r.budgets.add(new BudgetPart(b, key, amount, 0));
    }
    return r;
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

    Denial(String scope, String limit, @Nullable Instant resetAt, @Nullable Instant retryAt, OverLimit action) {
      this.scope = scope;
      this.limit = limit;
      this.resetAt = resetAt;
      this.retryAt = retryAt;
      this.action = action;
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
    final List<BudgetPart> budgets = new ArrayList<>(2);
    // Made only when a token-counting rate limit takes a part: most reservations have none.
    List<BucketPart> buckets = List.of();
    List<BudgetEvents.SoftLimitExceeded> softExceeded = List.of();
    @SuppressWarnings("UnusedVariable") // read and written through CLAIMED
    private volatile int claimed;
    @SuppressWarnings("UnusedVariable") // read and written through DONE
    private volatile int done;

    Reservation(String endpoint, long reservedAtNanos) {
      this.endpoint = endpoint;
      this.reservedAtNanos = reservedAtNanos;
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
      for (int i = 0; i < budgets.size(); i++) {
        BudgetPart p = budgets.get(i);
        long actual = p.budget.unit() == Budget.Unit.MONEY ? nanos : usage.totalTokens();
        Window w = p.budget.window();
        if (w.isRolling()) {
          store.settleRolling(p.key, p.bucket, w.buckets(), p.amount, actual);
        } else {
          store.settle(p.key, p.amount, actual);
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

    @Override
    public void release() {
      if (!DONE.compareAndSet(this, 0, 1)) {
        return;
      }
      for (int i = 0; i < budgets.size(); i++) {
        BudgetPart p = budgets.get(i);
        Window w = p.budget.window();
        if (w.isRolling()) {
          store.releaseRolling(p.key, p.bucket, w.buckets(), p.amount);
        } else {
          store.release(p.key, p.amount);
        }
      }
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
