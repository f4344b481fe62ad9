package dev.llmops.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.StreamHandler;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.BudgetStore.Balance;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.RateLimit;
import dev.llmops.core.budget.Scope;
import dev.llmops.core.budget.Window;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Four {@link LlmClient}s standing in for four replicas of a service, each with its own Lettuce
 * connection, share one tenant token budget and one requests-per-minute limit on the real Redis.
 */
class ReplicasTest {
  private static final int REPLICAS = 4;
  private static final int THREADS = 16;
  private static final int CALLS_PER_THREAD = 150;
  private static final long RPM = 1_000;
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static RedisServer server;

  @BeforeAll
  static void connect() {
    server = RedisServer.connect("replicas");
  }

  @AfterAll
  static void cleanUp() {
    if (server != null) {
      server.close();
    }
  }

  private record Replica(LlmClient client, RedisBudgetStore store, StatefulRedisConnection<String, String> connection,
      InMemoryLedger ledger, FakeChatModel model) {}

  private static List<Replica> replicas(String ns, TestClock clock, Budget budget, LongAdder passedRateLimit) {
    List<Replica> out = new ArrayList<>();
    for (int i = 0; i < REPLICAS; i++) {
      ManualScheduler scheduler = ManualScheduler.on(clock);
      StatefulRedisConnection<String, String> connection = server.newConnection();
      RedisBudgetStore store = RedisBudgetStore.builder().connection(connection).namespace(ns).clock(clock)
          .scheduler(scheduler).lease(LEASE).timeout(Duration.ofSeconds(10)).build();
      FakeChatModel model = FakeChatModel.builder().provider("fake").modelId("fake-model").seed(i).build();
      model.when(r -> r.lastUserMessage().startsWith("err")).fail(Fault.serverError(503));
      model.when(r -> r.lastUserMessage().startsWith("hang")).fail(Fault.hang());
      model.when(r -> r.lastUserMessage().startsWith("cut")).fail(Fault.streamCutAfter(2));
      InMemoryLedger ledger = InMemoryLedger.create();
      LlmClient client = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler)
          .accounting(Accounting.builder().ledger(ledger).build())
          .budgets(Budgets.builder().store(store).budget(budget).build())
          .step(PipelineStep.ADMISSION, RedisRateLimits.of(store, RateLimit.requestsPerMinute(Scope.TENANT, RPM)))
          .step(PipelineStep.ADMISSION, chain -> {
            passedRateLimit.increment();
            return chain.proceed(chain.request());
          })
          .closeOnClose(store)
          .build();
      out.add(new Replica(client, store, connection, ledger, model));
    }
    return out;
  }

  @Test
  void fourReplicasHoldOneBudgetAndOneRateLimitUnderFaultsAndCancellations() throws Exception {
    TestClock clock = TestClock.create();
    Budget budget = Budget.tokens(Scope.TENANT, 30_000, Window.daily());
    LongAdder passed = new LongAdder();
    List<Replica> replicas = replicas(server.namespace + ":run", clock, budget, passed);
    CallContext acme = CallContext.ofTenant("acme");
    LongAdder rateLimited = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Replica replica = replicas.get(t % REPLICAS);
        SplittableRandom random = new SplittableRandom(t);
        done.add(pool.submit(() -> {
          for (int i = 0; i < CALLS_PER_THREAD; i++) {
            if (runOne(replica.client(), acme, random)) {
              rateLimited.increment();
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(300, TimeUnit.SECONDS);
      }
      String key = Budgets.counterKey(budget, acme, clock.instant());
      for (Replica r : replicas) {
        r.store().balance(key); // behind each replica's own settlements
      }
      Balance b = replicas.get(0).store().balance(key);
      long ledgered = 0;
      for (Replica r : replicas) {
        for (LedgerRecord rec : r.ledger().records()) {
          ledgered += rec.usage().totalTokens();
        }
      }
      assertThat(b.reserved()).as("reservations left").isZero();
      assertThat(b.spent()).as("spent").isPositive().isLessThanOrEqualTo(budget.limit()).isEqualTo(ledgered);
      // The clock stood still: GCRA admits exactly one minute's burst across all four replicas.
      assertThat(passed.sum()).as("calls past the shared rate limit").isEqualTo(RPM);
      assertThat(rateLimited.sum()).isPositive();
    } finally {
      pool.shutdownNow();
      for (Replica r : replicas) {
        r.client().close();
      }
    }
  }

  @Test
  void aReplicaThatDiesMidCallGivesItsReservationBackWhenTheLeaseRunsOut() {
    TestClock clock = TestClock.create();
    Budget budget = Budget.tokens(Scope.TENANT, 10_000, Window.daily());
    List<Replica> replicas = replicas(server.namespace + ":crash", clock, budget, new LongAdder());
    CallContext acme = CallContext.ofTenant("acme");
    Replica dying = replicas.get(0);
    Replica survivor = replicas.get(1);
    try {
      CompletableFuture<Completion> inFlight = dying.client()
          .request(ChatRequest.builder().user("hang on").maxOutputTokens(9_900).build()).context(acme).callAsync();
      assertThat(dying.model().inFlight()).isEqualTo(1);
      dying.store().close(); // the replica dies: no heartbeat, no settlement
      dying.connection().close();

      ChatRequest small = ChatRequest.builder().user("ok").maxOutputTokens(200).build();
      assertThat(rejected(survivor.client(), small, acme)).as("the dead replica's lease still holds").isTrue();
      clock.advance(LEASE.minusSeconds(1));
      assertThat(rejected(survivor.client(), small, acme)).isTrue();
      clock.advance(Duration.ofSeconds(2));
      assertThat(rejected(survivor.client(), small, acme)).as("lease run out").isFalse();
      inFlight.cancel(true);
    } finally {
      for (Replica r : replicas) {
        r.client().close();
      }
    }
  }

  private static boolean rejected(LlmClient client, ChatRequest request, CallContext context) {
    try {
      client.chat(request, context);
      return false;
    } catch (BudgetExceededException e) {
      return true;
    }
  }

  /** One random call; true when the shared rate limit refused it. */
  private static boolean runOne(LlmClient client, CallContext context, SplittableRandom random) {
    String[] kinds = {"ok", "ok", "stream", "err", "hang", "cut"};
    String kind = kinds[random.nextInt(kinds.length)];
    ChatRequest request = ChatRequest.builder()
        .user(kind + " request " + random.nextInt(1000))
        .maxOutputTokens(20 + random.nextInt(60))
        .build();
    try {
      switch (kind) {
        case "hang" -> {
          CompletableFuture<Completion> f = client.request(request).context(context).callAsync();
          f.cancel(true);
          f.handle((c, e) -> c).join();
        }
        case "stream", "cut" -> client.request(request).context(context).stream(StreamHandler.IGNORE)
            .completion().handle((c, e) -> c).join();
        default -> client.chat(request, context);
      }
    } catch (BudgetExceededException e) {
      return e.limit().contains("requests per minute");
    } catch (RuntimeException expected) {
      // injected faults are part of the test
    }
    return false;
  }
}
