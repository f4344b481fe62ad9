package dev.llmops.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.Money;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.BudgetStore.Balance;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.Scope;
import dev.llmops.core.budget.Window;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis store against the real server: replicas, leases, scripts, keys and outages. */
class RedisBudgetStoreTest {
  private static RedisServer server;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);

  @BeforeAll
  static void connect() {
    server = RedisServer.connect("store");
  }

  @AfterAll
  static void cleanUp() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private RedisBudgetStore.Builder replica(String namespace) {
    return RedisBudgetStore.builder().connection(server.newConnection()).namespace(namespace)
        .clock(clock).scheduler(scheduler);
  }

  private RedisBudgetStore built(RedisBudgetStore.Builder b) {
    RedisBudgetStore s = b.build();
    open.add(s);
    return s;
  }

  private String ns(String test) {
    return server.namespace + ":" + test;
  }

  @Test
  void fourReplicasSixteenThreadsNeverSpendPastTheLimitAndLeaveNoReservation() throws Exception {
    String ns = ns("replicas");
    List<RedisBudgetStore> replicas = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      // Generous timeout: this test is about correctness under contention on a loaded machine.
      replicas.add(built(replica(ns).timeout(Duration.ofSeconds(10))));
    }
    String key = "money|tenant:acme|2026-01-01T00:00:00Z";
    long limit = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<long[]>> results = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        RedisBudgetStore s = replicas.get(t % 4);
        results.add(pool.submit(() -> {
          long spent = 0;
          long admitted = 0;
          ThreadLocalRandom r = ThreadLocalRandom.current();
          for (int i = 0; i < 400; i++) {
            long amount = 1L + r.nextInt(100);
            if (s.reserve(key, amount, limit)) {
              admitted++;
              switch (r.nextInt(3)) {
                case 0 -> s.release(key, amount); // a failed call
                default -> {
                  long actual = r.nextLong(amount + 1);
                  s.settle(key, amount, actual);
                  spent += actual;
                }
              }
            }
          }
          return new long[] {spent, admitted};
        }));
      }
      long spent = 0;
      long admitted = 0;
      for (Future<long[]> f : results) {
        long[] r = f.get(120, TimeUnit.SECONDS);
        spent += r[0];
        admitted += r[1];
      }
      for (RedisBudgetStore s : replicas) {
        s.balance(key); // a read behind each replica's own writes
      }
      Balance seen = replicas.get(0).balance(key);
      assertThat(seen.reserved()).as("reservations left").isZero();
      assertThat(seen.spent()).isEqualTo(spent).isLessThanOrEqualTo(limit);
      assertThat(admitted).as("calls admitted").isGreaterThan(100);
      assertThat(replicas.get(0).reserve(key, limit - spent + 1, limit)).as("room beyond the limit").isFalse();
      assertThat(replicas.get(3).reserve(key, limit - spent, limit)).as("exactly the room left").isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCrashedReplicasReservationComesBackWhenItsLeaseRunsOut() {
    String ns = ns("crash");
    RedisBudgetStore crashing = built(replica(ns).lease(Duration.ofSeconds(30)));
    RedisBudgetStore survivor = built(replica(ns).lease(Duration.ofSeconds(30)));
    String key = "b|tenant:acme|2026-01-01T00:00:00Z";
    assertThat(crashing.reserve(key, 80, 100)).isTrue();
    crashing.close(); // dies between reserve and settle: no heartbeat, no settlement

    assertThat(survivor.reserve(key, 30, 100)).as("the lease still holds the 80").isFalse();
    clock.advance(Duration.ofSeconds(29));
    assertThat(survivor.reserve(key, 30, 100)).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(survivor.reserve(key, 30, 100)).as("lease run out").isTrue();
    assertThat(survivor.balance(key)).isEqualTo(new Balance(0, 30));
    Map<String, String> fields = server.sync().hgetall(survivor.redisKey(key));
    assertThat(fields.keySet()).noneMatch(f -> f.startsWith("r:") && f.endsWith(crashing.replicaId() + ".1"));
  }

  @Test
  void aLiveReplicasHeartbeatKeepsItsReservationsCounting() {
    String ns = ns("heartbeat");
    RedisBudgetStore busy = built(replica(ns).lease(Duration.ofSeconds(30)));
    RedisBudgetStore other = built(replica(ns).lease(Duration.ofSeconds(30)));
    String key = "b|tenant:acme|2026-01-01T00:00:00Z";
    assertThat(busy.reserve(key, 80, 100)).isTrue();
    clock.advance(Duration.ofMinutes(5)); // runs the heartbeat every 10 s
    assertThat(busy.stats().leaseRenewals()).isGreaterThanOrEqualTo(29);
    assertThat(other.reserve(key, 30, 100)).isFalse();
    busy.settle(key, 80, 50);
    busy.balance(key); // behind the settlement on busy's connection
    assertThat(other.reserve(key, 50, 100)).isTrue();
    assertThat(other.balance(key)).isEqualTo(new Balance(50, 50));
  }

  @Test
  void aWriteRepeatedAfterATimeoutCountsOnce() {
    String ns = ns("idempotent");
    RedisBudgetStore s = built(replica(ns));
    String key = "b|tenant:acme|2026-01-01T00:00:00Z";
    assertThat(s.reserve(key, 10, 100)).isTrue();
    String[] keys = {s.redisKey(key), ns + ":{tenant:acme}:leases"};
    // The same settlement sent twice with one sequence number (a retry after a timeout).
    String[] settle = {"w.1", "w", "1", Long.toString(clock.millis()), "30000", "0", "0", "S", "-1", "0", "0", "7"};
    RedisCommands<String, String> redis = server.sync();
    List<Object> first = redis.eval(script("apply.lua"), io.lettuce.core.ScriptOutputType.MULTI, keys, settle);
    List<Object> again = redis.eval(script("apply.lua"), io.lettuce.core.ScriptOutputType.MULTI, keys, settle);
    assertThat(first.get(0)).isEqualTo(1L);
    assertThat(again.get(0)).as("stale").isEqualTo(-1L);
    assertThat(s.balance(key)).isEqualTo(new Balance(7, 10));
  }

  @Test
  void scriptsAreSentAgainAfterTheServerForgetsThem() {
    RedisBudgetStore s = built(replica(ns("noscript")));
    String key = "b|tenant:acme|2026-01-01T00:00:00Z";
    assertThat(s.reserve(key, 10, 100)).isTrue();
    long before = s.stats().scriptReloads();
    server.sync().scriptFlush(); // what a restart or failover does to the script cache
    assertThat(s.reserve(key, 10, 100)).isTrue();
    assertThat(s.stats().scriptReloads()).isGreaterThan(before);
    // EVAL cached it again: EVALSHA finds it (the shared server's cache is not ours to count on further).
    assertThat(server.sync().scriptExists(LuaScript.load("apply.lua").sha)).containsExactly(true);
    assertThat(s.reserve(key, 10, 100)).isTrue();
    assertThat(s.balance(key)).isEqualTo(new Balance(0, 30));
  }

  @Test
  void keysCarryTheScopeAsHashTagAndExpireWithTheirWindows() {
    Budget daily = Budget.money(Scope.TENANT, Money.usd("5"), Window.daily());
    Budget total = Budget.tokens(Scope.TENANT, 1_000, Window.total());
    Budget rolling = Budget.tokens(Scope.TENANT, 1_000, Window.rolling(Duration.ofHours(1), 6)).named("hourly");
    String ns = ns("keys");
    RedisBudgetStore s = built(replica(ns).lease(Duration.ofSeconds(30))
        .budgets(Budgets.builder().budget(daily).budget(total).budget(rolling).build()));
    dev.llmops.api.CallContext ctx = dev.llmops.api.CallContext.ofTenant("acme");
    String dayKey = Budgets.counterKey(daily, ctx, clock.instant());
    String totalKey = Budgets.counterKey(total, ctx, clock.instant());
    String rollingKey = Budgets.counterKey(rolling, ctx, clock.instant());
    clock.advance(Duration.ofHours(6)); // 06:00 of the day
    assertThat(s.reserve(dayKey, 1, 10)).isTrue();
    assertThat(s.reserve(totalKey, 1, 10)).isTrue();
    assertThat(s.reserveRolling(rollingKey, 100, 6, 1, 10)).isTrue();

    assertThat(s.redisKey(dayKey)).startsWith(ns + ":{tenant:acme}:c:");
    RedisCommands<String, String> redis = server.sync();
    assertThat(SlotHash.getSlot(s.redisKey(dayKey))).isEqualTo(SlotHash.getSlot(s.redisKey(totalKey)))
        .isEqualTo(SlotHash.getSlot(s.redisKey(rollingKey))).isEqualTo(SlotHash.getSlot(ns + ":{tenant:acme}:leases"))
        .isEqualTo(SlotHash.getSlot("tenant:acme"));
    assertThat(redis.pttl(s.redisKey(dayKey))).as("18 h left of the day, plus the lease")
        .isBetween(Duration.ofHours(18).toMillis(), Duration.ofHours(18).plusSeconds(30).toMillis());
    assertThat(redis.pttl(s.redisKey(totalKey))).as("a total budget never expires").isEqualTo(-1L);
    assertThat(redis.pttl(s.redisKey(rollingKey))).as("seven 10-minute buckets plus the lease")
        .isBetween(Duration.ofMinutes(69).toMillis(), Duration.ofMinutes(70).plusSeconds(30).toMillis());
    assertThat(redis.pttl(ns + ":{tenant:acme}:leases")).isPositive();
  }

  @Test
  void bracesInAScopeValueCannotMoveItsKeysToAnotherSlot() {
    assertThat(RedisBudgetStore.hashTag("b|tenant:a}c{d|2026-01-01T00:00:00Z")).isEqualTo("tenant:a)c(d");
    assertThat(RedisBudgetStore.hashTag("plain")).isEqualTo("plain");
  }

  @Test
  void failingClosedRejectsWhenNoServerAnswers() throws IOException {
    List<String> heard = new CopyOnWriteArrayList<>();
    RedisBudgetStore s = built(RedisBudgetStore.builder().uri(closedPortUri()).namespace(ns("closed"))
        .timeout(Duration.ofMillis(200)).connectTimeout(Duration.ofMillis(200)).clock(clock).scheduler(scheduler)
        .listener(new OutageListener() {
          @Override
          public void unavailable(String counterKey, OutagePolicy policy, boolean admitted, Throwable cause) {
            heard.add(counterKey + " " + policy + " " + admitted);
          }
        }));
    String key = "b|tenant:acme|2026-01-01T00:00:00Z";
    assertThatThrownBy(() -> s.reserve(key, 10, 100))
        .isInstanceOf(BudgetUnavailableException.class)
        .hasMessageContaining(key).hasMessageContaining("fails closed")
        .hasCauseInstanceOf(RedisConnectionException.class)
        .satisfies(e -> assertThat(((BudgetUnavailableException) e).retryable()).isTrue());
    assertThat(heard).containsExactly(key + " fail closed false");
    assertThat(s.stats().unavailable()).isEqualTo(1);
    assertThat(s.stats().failClosedRejections()).isEqualTo(1);
    assertThat(s.stats().down()).isTrue();
    assertThatThrownBy(() -> s.balance(key)).isInstanceOf(BudgetUnavailableException.class);
  }

  @Test
  void failingOpenAdmitsUpToTheLocalAllowance() throws IOException {
    List<Boolean> heard = new CopyOnWriteArrayList<>();
    RedisBudgetStore s = built(RedisBudgetStore.builder().uri(closedPortUri()).namespace(ns("open"))
        .timeout(Duration.ofMillis(200)).connectTimeout(Duration.ofMillis(200)).clock(clock).scheduler(scheduler)
        .outagePolicy(OutagePolicy.failClosed())
        .outagePolicy("soft-open", OutagePolicy.failOpen("0.1"))
        .listener(new OutageListener() {
          @Override
          public void unavailable(String counterKey, OutagePolicy policy, boolean admitted, Throwable cause) {
            heard.add(admitted);
          }
        }));
    String key = "soft-open|tenant:acme|2026-01-01T00:00:00Z";
    assertThat(s.reserve(key, 60, 1_000)).isTrue();
    assertThat(s.reserve(key, 40, 1_000)).isTrue();
    assertThat(s.reserve(key, 1, 1_000)).as("10 % of 1,000 used up").isFalse();
    s.settle(key, 60, 10); // gives 50 back to the allowance
    assertThat(s.reserve(key, 50, 1_000)).isTrue();
    assertThat(heard).containsExactly(true, true, false, true);
    assertThat(s.stats().failOpenAdmissions()).isEqualTo(3);
    assertThat(s.stats().failOpenDenials()).isEqualTo(1);
    assertThat(s.balance(key)).as("what this replica knows").isEqualTo(new Balance(10, 90));
    assertThatThrownBy(() -> s.reserve("other|tenant:acme|2026-01-01T00:00:00Z", 1, 1_000))
        .as("the default policy still fails closed").isInstanceOf(BudgetUnavailableException.class);
  }

  @Test
  void aStalledServerTimesOutAndLocalSpendingIsWrittenBackOnceWhenItAnswersAgain() throws Exception {
    String ns = ns("stall");
    String key = "b|tenant:acme|2026-01-01T00:00:00Z";
    List<String> events = new CopyOnWriteArrayList<>();
    try (StallingProxy proxy = new StallingProxy(RedisServer.URI)) {
      RedisBudgetStore viaProxy = built(RedisBudgetStore.builder().uri(proxy.uri()).namespace(ns)
          .timeout(Duration.ofMillis(150)).clock(clock).scheduler(scheduler)
          .outagePolicy(OutagePolicy.failOpen("0.5"))
          .listener(new OutageListener() {
            @Override
            public void unavailable(String counterKey, OutagePolicy policy, boolean admitted, Throwable cause) {
              events.add("unavailable " + admitted);
            }

            @Override
            public void recovered() {
              events.add("recovered");
            }
          }));
      RedisBudgetStore direct = built(replica(ns));
      assertThat(viaProxy.reserve(key, 100, 1_000)).isTrue();
      viaProxy.settle(key, 100, 100);
      viaProxy.balance(key); // behind the settlement on its connection
      assertThat(direct.balance(key)).isEqualTo(new Balance(100, 0));

      proxy.stall();
      assertThat(viaProxy.reserve(key, 300, 1_000)).as("on the allowance of 500").isTrue();
      viaProxy.settle(key, 300, 250);
      assertThat(viaProxy.reserve(key, 300, 1_000)).as("250 + 300 > 500").isFalse();
      assertThat(viaProxy.stats().down()).isTrue();
      assertThat(direct.balance(key)).as("Redis has not heard of it").isEqualTo(new Balance(100, 0));

      proxy.resume();
      viaProxy.heartbeat(); // the repair: this replica's whole state, with a new sequence number
      viaProxy.heartbeat();
      viaProxy.balance(key); // behind the repair on the same connection
      assertThat(direct.balance(key)).as("written back once").isEqualTo(new Balance(350, 0));
      assertThat(viaProxy.stats().resyncs()).isPositive();
      assertThat(viaProxy.stats().down()).isFalse();
      assertThat(events).containsExactly("unavailable true", "unavailable false", "recovered");
      assertThat(direct.reserve(key, 650, 1_000)).isTrue();
      assertThat(direct.reserve(key, 1, 1_000)).isFalse();
    }
  }

  private static String closedPortUri() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return "redis://127.0.0.1:" + s.getLocalPort(); // closed again when the store connects
    }
  }

  private static String script(String name) {
    try (var in = RedisBudgetStore.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
