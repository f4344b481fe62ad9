package dev.llmops.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Money;
import dev.llmops.api.StreamHandler;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.pricing.Rates;
import dev.llmops.core.sink.internal.Hand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The accounting invariants under concurrency: 16 threads make random calls (plain, streamed,
 * failing, cut, hanging then cancelled, retried) against one hard budget, per day or rolling.
 * (Moved here from the testkit's tests, with this module's own scripted model and clock.)
 */
class BudgetInvariantsProperties {
  private static final int THREADS = 16;

  @Property(tries = 8)
  void concurrentCallsNeverOverspendAndEveryAttemptIsRecordedOnce(
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed,
      @ForAll @IntRange(min = 200, max = 400) int limitMilliDollars) throws Exception {
    Hand clock = new Hand();
    InMemoryBudgetStore store = InMemoryBudgetStore.create();
    Budget global = Budget.money(Scope.GLOBAL, Money.usd("0.001").times(limitMilliDollars), Window.daily());
    Run run = run(seed, clock, store, global, false);

    BudgetStore.Balance balance = store.balance(Budgets.counterKey(global, CallContext.empty(), clock.instant()));
    // No overspend, and nothing left reserved once every call has ended.
    assertThat(balance.spent()).isPositive().isLessThanOrEqualTo(global.limit());
    assertThat(store.totalReserved()).isZero();
    // The ledger's total is the sum of the settled costs.
    List<LedgerRecord> records = run.ledger.records();
    long settled = records.stream().mapToLong(r -> r.cost().amount().orElseThrow().toNanosCeiling()).sum();
    assertThat(balance.spent()).isEqualTo(settled);
    assertThat(run.ledger.total().cost().toNanosCeiling()).isLessThanOrEqualTo(settled);
  }

  /**
   * The same with a rolling window while the threads move the clock on, so buckets roll during
   * the run: every state of the rolling counter a thread publishes holds at most the limit, no
   * reservation is left once all calls ended, and every attempt is recorded once.
   */
  @Property(tries = 8)
  void aRollingBudgetNeverOverspendsWhileItsBucketsRoll(
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed,
      @ForAll @IntRange(min = 200, max = 400) int limitMilliDollars) throws Exception {
    Hand clock = new Hand();
    Window window = Window.rolling(Duration.ofHours(1), 4);
    Budget global = Budget.money(Scope.GLOBAL, Money.usd("0.001").times(limitMilliDollars), window);
    CheckingStore store = new CheckingStore(global.limit(), window);
    run(seed, clock, store, global, true);

    assertThat(store.violations).as("states over the limit").isEmpty();
    assertThat(store.maxSpent.get()).isPositive().isLessThanOrEqualTo(global.limit());
    assertThat(store.buckets).as("buckets reserved in").hasSizeGreaterThan(window.buckets() + 1);
    assertThat(store.delegate.totalReserved()).isZero();
  }

  private record Run(InMemoryLedger ledger) {}

  private static Run run(long seed, Hand clock, BudgetStore store, Budget budget, boolean moveClock)
      throws Exception {
    // Fails "err..." with a 503, never answers "hang..." until cancelled, cuts "cut..." streams.
    ScriptedModel model = new ScriptedModel("fake", "fake-model");
    PriceCatalog catalog = PriceCatalog.empty()
        .withOverride("fake-model", ModelPrice.of("fake-model", Rates.perMillion("1000", "2000")));
    InMemoryLedger ledger = InMemoryLedger.create();
    AtomicInteger attemptsStarted = new AtomicInteger();
    CallListener events = new CallListener() {
      @Override
      public void attemptStart(AttemptInfo attempt) {
        attemptsStarted.incrementAndGet();
      }
    };
    // At least $0.20: one call's reservation (~20 input bytes at $0.001 + up to 80 output tokens at
    // $0.002, about $0.18) always fits, so some calls are admitted and "spent > 0" is meaningful.
    LlmClient client = LlmClient.builder().model("m", model).clock(clock).scheduler(clock).listener(events)
        .step(PipelineStep.RESILIENCE, chain -> chain.proceed(chain.request())
            .exceptionallyCompose(e -> chain.call().cancelled()
                ? CompletableFuture.failedFuture(e) : chain.proceed(chain.request())))
        .accounting(Accounting.builder().catalog(catalog).ledger(ledger).build())
        .budgets(Budgets.builder().store(store).budget(budget).build())
        .build();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        SplittableRandom random = new SplittableRandom(seed + t);
        done.add(pool.submit(() -> {
          for (int i = 0; i < 12; i++) {
            if (moveClock && random.nextInt(4) == 0) {
              clock.advance(Duration.ofMinutes(random.nextInt(20)));
            }
            runOne(client, random);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      client.close();
    }
    // Exactly one record per attempt that reached the model.
    List<LedgerRecord> records = ledger.records();
    assertThat(records).hasSize(attemptsStarted.get());
    Set<String> ids = new HashSet<>();
    records.forEach(r -> assertThat(ids.add(r.callId() + "#" + r.attempt())).as("duplicate record").isTrue());
    return new Run(ledger);
  }

  /**
   * An in-memory store that, after every rolling update, reads one snapshot of the counter and
   * notes it if its spending plus reservations pass the limit.
   */
  private static final class CheckingStore implements BudgetStore {
    final InMemoryBudgetStore delegate = InMemoryBudgetStore.create();
    final long limit;
    final Window window;
    final Queue<String> violations = new ConcurrentLinkedQueue<>();
    final AtomicLong maxSpent = new AtomicLong();
    final Set<Long> buckets = ConcurrentHashMap.newKeySet();

    CheckingStore(long limit, Window window) {
      this.limit = limit;
      this.window = window;
    }

    private void check(String key, long bucket) {
      Balance b = delegate.balanceRolling(key, bucket, window.buckets());
      if (b.committed() > limit) {
        violations.add(key + "@" + bucket + ": " + b);
      }
      maxSpent.accumulateAndGet(b.spent(), Math::max);
    }

    @Override
    public boolean reserveRolling(String key, long bucket, int n, long amount, long limit) {
      boolean ok = delegate.reserveRolling(key, bucket, n, amount, limit);
      if (ok) {
        buckets.add(bucket);
      }
      check(key, bucket);
      return ok;
    }

    @Override
    public void settleRolling(String key, long bucket, int n, long reserved, long actual) {
      delegate.settleRolling(key, bucket, n, reserved, actual);
      check(key, bucket);
    }

    @Override
    public void releaseRolling(String key, long bucket, int n, long reserved) {
      delegate.releaseRolling(key, bucket, n, reserved);
      check(key, bucket);
    }

    @Override
    public Balance[] rollingBalances(String key, long bucket, int n) {
      return delegate.rollingBalances(key, bucket, n);
    }

    @Override
    public boolean reserve(String key, long amount, long limit) {
      throw new AssertionError("a rolling budget uses the rolling methods");
    }

    @Override
    public void settle(String key, long reserved, long actual) {
      throw new AssertionError("a rolling budget uses the rolling methods");
    }

    @Override
    public void release(String key, long reserved) {
      throw new AssertionError("a rolling budget uses the rolling methods");
    }

    @Override
    public Balance balance(String key) {
      return delegate.balance(key);
    }
  }

  private static void runOne(LlmClient client, SplittableRandom random) {
    String[] kinds = {"ok", "ok", "stream", "err", "hang", "cut"};
    String kind = kinds[random.nextInt(kinds.length)];
    ChatRequest request = ChatRequest.builder()
        .user(kind + " request " + random.nextInt(1000))
        .maxOutputTokens(20 + random.nextInt(60))
        .build();
    try {
      switch (kind) {
        case "hang" -> {
          CompletableFuture<Completion> f = client.request(request).callAsync();
          f.cancel(true);
        }
        case "stream", "cut" -> client.stream(request, StreamHandler.IGNORE).completion().handle((c, e) -> c).join();
        default -> client.chat(request);
      }
    } catch (RuntimeException expected) {
      // Budget rejections and injected faults are part of the test.
    }
  }
}
