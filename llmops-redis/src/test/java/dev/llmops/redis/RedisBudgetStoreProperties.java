package dev.llmops.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.core.budget.BudgetStore.Balance;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Invariants of the shared store under any sequence of reservations, settlements, releases and
 * replica crashes across three replicas: the committed amount never passes the limit, spending is
 * exactly what was settled, and once the dead replicas' leases have run out and the live ones have
 * settled, no reservation is left.
 */
@AddLifecycleHook(RedisBudgetStoreProperties.RequiresRedis.class)
class RedisBudgetStoreProperties {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static RedisServer server;
  private static final AtomicInteger TRIES = new AtomicInteger();

  /**
   * Skips the properties, saying how to start Redis, when none answers; under {@code
   * llmops.requireServices} they run and fail instead.
   */
  static final class RequiresRedis implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      String why = Boolean.getBoolean("llmops.requireServices") ? null : RedisServer.unavailable();
      return why == null ? SkipResult.doNotSkip() : SkipResult.skip(why);
    }
  }

  private static synchronized RedisServer server() {
    if (server == null) {
      server = RedisServer.connect("properties");
    }
    return server;
  }

  @AfterContainer
  static void cleanUp() {
    if (server != null) {
      server.close();
    }
  }

  /** One step: kind 0 reserve, 1 settle, 2 release, 3 crash; which replica or reservation; amount; actual in %. */
  record Op(int kind, int who, long amount, int percent) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op = Combinators.combine(
        Arbitraries.integers().between(0, 9).map(k -> k < 5 ? 0 : k < 8 ? 1 : k < 9 ? 2 : 3),
        Arbitraries.integers().between(0, 20),
        Arbitraries.longs().between(0, 80),
        Arbitraries.integers().between(0, 100)).as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 40)
  void spendNeverPassesTheLimitAndNoReservationLeaks(
      @ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 0, max = 400) int limit) {
    RedisServer server = server();
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    String ns = server.namespace + ":" + TRIES.incrementAndGet();
    String key = "b|tenant:acme|2026-01-01T00:00:00Z";
    List<RedisBudgetStore> replicas = new ArrayList<>();
    List<RedisBudgetStore> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RedisBudgetStore s = RedisBudgetStore.builder().connection(server.newConnection()).namespace(ns)
          .lease(LEASE).clock(clock).scheduler(scheduler).timeout(Duration.ofSeconds(5)).build();
      replicas.add(s);
      all.add(s);
    }
    record Held(int replica, RedisBudgetStore store, long amount) {}
    List<Held> held = new ArrayList<>();
    long settled = 0;
    try {
      for (Op op : ops) {
        switch (op.kind()) {
          case 0 -> {
            int r = op.who() % 3;
            RedisBudgetStore s = replicas.get(r);
            if (s.reserve(key, op.amount(), limit)) {
              held.add(new Held(r, s, op.amount()));
            }
            assertThat(s.balance(key).committed()).isLessThanOrEqualTo(limit);
          }
          case 1, 2 -> {
            if (!held.isEmpty()) {
              Held h = held.remove(op.who() % held.size());
              long actual = op.kind() == 1 ? h.amount() * op.percent() / 100 : 0;
              h.store().settle(key, h.amount(), actual);
              h.store().balance(key); // behind the write on its connection
              settled += actual;
            }
          }
          default -> {
            int r = op.who() % 3;
            replicas.get(r).close(); // crash: its reservations are never settled
            held.removeIf(h -> h.replica() == r);
            RedisBudgetStore fresh = RedisBudgetStore.builder().connection(server.newConnection()).namespace(ns)
                .lease(LEASE).clock(clock).scheduler(scheduler).timeout(Duration.ofSeconds(5)).build();
            replicas.set(r, fresh);
            all.add(fresh);
          }
        }
      }
      for (Held h : held) {
        h.store().release(key, h.amount());
        h.store().balance(key);
      }
      clock.advance(LEASE.plusSeconds(1)); // the crashed replicas' leases run out
      Balance end = replicas.get(0).balance(key);
      assertThat(end.reserved()).as("reservations left").isZero();
      assertThat(end.spent()).isEqualTo(settled).isLessThanOrEqualTo(limit);
    } finally {
      all.forEach(RedisBudgetStore::close);
    }
  }
}
