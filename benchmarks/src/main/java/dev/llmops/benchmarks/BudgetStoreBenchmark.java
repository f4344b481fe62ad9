package dev.llmops.benchmarks;

import dev.llmops.core.budget.BudgetStore;
import dev.llmops.redis.RedisBudgetStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One reservation plus its settlement, the store's part of every admitted call, in memory and on
 * the real Redis ({@code LLMOPS_REDIS_URI}, default {@code redis://127.0.0.1:6379}) from 1, 8 and
 * 64 threads sharing one store (one Lettuce connection). On Redis that is two script calls: the
 * reservation waits for its answer, the settlement is sent without waiting. Each thread has its
 * own tenant; {@code hotKey} has every thread on one tenant. Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BudgetStoreBenchmark {
  private static final long LIMIT = 1_000_000_000_000_000L;

  @Param({"memory", "redis"})
  public String store = "memory";

  private BudgetStore budgets = BudgetStore.inMemory();
  private @Nullable RedisClient client;
  private @Nullable StatefulRedisConnection<String, String> connection;
  private String namespace = "";
  private final AtomicInteger threads = new AtomicInteger();

  /** Each thread's counter key. */
  @State(Scope.Thread)
  public static class Tenant {
    String key = "";

    /** Takes the next tenant. */
    @Setup(Level.Trial)
    public void setUp(BudgetStoreBenchmark b) {
      key = "money|tenant:t" + b.threads.incrementAndGet() + "|2026-01-01T00:00:00Z";
    }
  }

  /** Opens the store. */
  @Setup(Level.Trial)
  public void setUp() {
    if (store.equals("redis")) {
      String uri = System.getenv().getOrDefault("LLMOPS_REDIS_URI", "redis://127.0.0.1:6379");
      RedisClient c = RedisClient.create(uri);
      StatefulRedisConnection<String, String> conn = c.connect();
      client = c;
      connection = conn;
      namespace = "llmops-bench-" + UUID.randomUUID();
      budgets = RedisBudgetStore.builder().connection(conn).namespace(namespace)
          .timeout(Duration.ofSeconds(5)).build();
    } else {
      budgets = BudgetStore.inMemory();
    }
  }

  /** Closes the store and deletes its keys. */
  @TearDown(Level.Trial)
  public void tearDown() {
    StatefulRedisConnection<String, String> conn = connection;
    RedisClient c = client;
    if (budgets instanceof RedisBudgetStore r && conn != null && c != null) {
      r.close();
      var redis = conn.sync();
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(namespace + ":*").limit(1000));
        if (!page.getKeys().isEmpty()) {
          redis.del(page.getKeys().toArray(String[]::new));
        }
        cursor = page;
      } while (!cursor.isFinished());
      conn.close();
      c.shutdown();
    }
  }

  private boolean reserveSettle(String key) {
    boolean ok = budgets.reserve(key, 1_000, LIMIT);
    budgets.settle(key, 1_000, 700);
    return ok;
  }

  /** One thread. */
  @Benchmark
  @Threads(1)
  public boolean reserveSettle1(Tenant t) {
    return reserveSettle(t.key);
  }

  /** Eight threads. */
  @Benchmark
  @Threads(8)
  public boolean reserveSettle8(Tenant t) {
    return reserveSettle(t.key);
  }

  /** 64 threads. */
  @Benchmark
  @Threads(64)
  public boolean reserveSettle64(Tenant t) {
    return reserveSettle(t.key);
  }

  /** Eight threads on one tenant's counter. */
  @Benchmark
  @Threads(8)
  public boolean hotKey8() {
    return reserveSettle("money|tenant:hot|2026-01-01T00:00:00Z");
  }
}
