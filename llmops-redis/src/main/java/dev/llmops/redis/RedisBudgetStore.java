package dev.llmops.redis;

import dev.llmops.api.Cancellable;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.BudgetStore;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.Window;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BudgetStore} on Redis, shared by every replica of a service: hand the same
 * configuration to each replica's {@code Budgets.builder().store(...)} and their reservations and
 * spending count against one limit.
 *
 * <p><b>One atomic step per operation.</b> Reserve, settle and release are each one Lua script
 * call by SHA ({@code EVALSHA}, falling back to {@code EVAL} once after {@code NOSCRIPT}): one
 * network round trip. A reservation waits for its answer (up to {@link Builder#timeout}); a
 * settlement or release is sent and not waited for.
 *
 * <p><b>Per-replica state, written whole.</b> Each replica keeps, per counter, what it has
 * reserved and spent (per bucket for rolling windows) and writes that state whole, with a sequence
 * number, under its own writer id; the server ignores a write older than one it already applied.
 * So a write repeated after a timeout, or replayed after an outage, counts once, and a lost write
 * is repaired by the next one. A reservation checks the sum of every writer's spending and every
 * live replica's reservations against the limit in the same script that records it.
 *
 * <p><b>Reservations are leases.</b> A replica's reservations count only while its lease on the
 * scope is live; the lease is renewed by each write and by a heartbeat every third of {@link
 * Builder#lease}. A replica that dies mid-call stops renewing, and its reservations stop counting
 * (and are deleted) once the lease has run out; its settled spending stays.
 *
 * <p><b>Keys</b>: {@code <namespace>:{<scope>}:c:<counter key>} (a hash) and {@code
 * <namespace>:{<scope>}:leases}; the hash tag {@code {<scope>}} (for example {@code
 * {tenant:acme}}) puts every key of one scope on one Redis Cluster slot. Keys expire with their
 * windows (see {@link Builder#budgets}).
 *
 * <p><b>When Redis is slow or down</b> the {@link OutagePolicy} of the budget decides each
 * reservation; settlements are kept and written back once Redis answers. {@link #stats()} counts
 * every such decision and an {@link OutageListener} hears of them.
 *
 * <p>Thread-safe. Close it (or register it with the client's {@code closeOnClose}) to stop its
 * heartbeat and close the connection it opened.
 */
public final class RedisBudgetStore implements BudgetStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBudgetStore.class);
  private static final Pattern REPLICA_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final String TOTAL_WINDOW = Instant.EPOCH.toString();

  private final LuaScript apply = LuaScript.load("apply.lua");
  private final LuaScript balance = LuaScript.load("balance.lua");
  private final LuaScript renew = LuaScript.load("lease.lua");

  private final String namespace;
  private final String replicaId;
  private final Duration timeout;
  private final long leaseMillis;
  private final long idleTtlMillis;
  private final OutagePolicy defaultPolicy;
  private final Map<String, OutagePolicy> policies;
  private final Map<String, Budget> budgets;
  private final Clock clock;
  private final TaskScheduler scheduler;
  private final @Nullable ScheduledThreadPoolExecutor ownExecutor;
  private final OutageListener listener;
  private final @Nullable RedisClient ownClient;
  private final @Nullable RedisURI uri;
  private volatile @Nullable StatefulConnection<String, String> connection;
  private volatile @Nullable RedisScriptingAsyncCommands<String, String> commands;

  private final ConcurrentHashMap<String, Holding> holdings = new ConcurrentHashMap<>();
  private final BudgetStore local = BudgetStore.inMemory();
  private final AtomicLong writers = new AtomicLong();
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable Cancellable heartbeat;

  private final LongAdder reservations = new LongAdder();
  private final LongAdder unavailable = new LongAdder();
  private final LongAdder failClosedRejections = new LongAdder();
  private final LongAdder failOpenAdmissions = new LongAdder();
  private final LongAdder failOpenDenials = new LongAdder();
  private final LongAdder writeFailures = new LongAdder();
  private final LongAdder resyncs = new LongAdder();
  private final LongAdder scriptReloads = new LongAdder();
  private final LongAdder leaseRenewals = new LongAdder();
  private final LongAdder unavailableReads = new LongAdder();

  private RedisBudgetStore(Builder b) {
    this.namespace = b.namespace;
    this.replicaId = b.replicaId != null ? b.replicaId : randomId();
    this.timeout = b.timeout;
    this.leaseMillis = b.lease.toMillis();
    this.idleTtlMillis = b.idleTtl.toMillis();
    this.defaultPolicy = b.defaultPolicy;
    this.policies = Map.copyOf(b.policies);
    this.budgets = Map.copyOf(b.budgets);
    this.clock = b.clock;
    this.listener = b.listener;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownExecutor = null;
    } else {
      ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "llmops-redis-heartbeat");
        t.setDaemon(true);
        return t;
      });
      ex.setRemoveOnCancelPolicy(true);
      this.ownExecutor = ex;
      this.scheduler = (task, delay) -> {
        var f = ex.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      };
    }
    if (b.connection != null) {
      this.connection = b.connection;
      this.commands = b.commands;
      this.ownClient = null;
      this.uri = null;
    } else {
      RedisURI u = Objects.requireNonNull(b.uri, "uri");
      this.uri = u;
      this.ownClient = RedisClient.create();
      ownClient.setOptions(ClientOptions.builder()
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .socketOptions(SocketOptions.builder().connectTimeout(b.connectTimeout).build())
          .requestQueueSize(b.requestQueueSize)
          .build());
      connect();
    }
    scheduleHeartbeat();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  // ---- BudgetStore ----

  @Override
  public boolean reserve(String key, long amount, long limit) {
    return reserveIn(key, 0, 0, amount, limit, 0);
  }

  /** Reserves, and lets the counter's key expire one lease after {@code expiresAt} (its window's end). */
  @Override
  public boolean reserve(String key, long amount, long limit, Instant expiresAt) {
    return reserveIn(key, 0, 0, amount, limit, expiresAt.toEpochMilli());
  }

  @Override
  public void settle(String key, long reserved, long actual) {
    settleIn(key, 0, 0, reserved, actual);
  }

  @Override
  public void release(String key, long reserved) {
    settleIn(key, 0, 0, reserved, 0);
  }

  @Override
  public Balance balance(String key) {
    return rollingBalances(key, 0, 0)[0];
  }

  @Override
  public boolean reserveRolling(String key, long bucket, int buckets, long amount, long limit) {
    checkBuckets(buckets);
    return reserveIn(key, bucket, buckets, amount, limit, 0);
  }

  /** Reserves, and lets the counter's key expire one lease after {@code expiresAt} unless reserved on again. */
  @Override
  public boolean reserveRolling(String key, long bucket, int buckets, long amount, long limit, Instant expiresAt) {
    checkBuckets(buckets);
    return reserveIn(key, bucket, buckets, amount, limit, expiresAt.toEpochMilli());
  }

  @Override
  public void settleRolling(String key, long bucket, int buckets, long reserved, long actual) {
    checkBuckets(buckets);
    settleIn(key, bucket, buckets, reserved, actual);
  }

  @Override
  public void releaseRolling(String key, long bucket, int buckets, long reserved) {
    checkBuckets(buckets);
    settleIn(key, bucket, buckets, reserved, 0);
  }

  @Override
  public Balance[] rollingBalances(String key, long bucket, int buckets) {
    Holding h = holding(key);
    String low = Long.toString(bucket - buckets);
    CompletableFuture<List<Object>> f = run(balance, new String[] {h.redisKey, h.leaseKey},
        new String[] {Long.toString(clock.millis()), low, Long.toString(bucket)});
    Balance[] out = new Balance[buckets + 1];
    try {
      List<Object> r = await(f);
      markUp();
      for (int i = 0; i <= buckets; i++) {
        out[i] = new Balance(number(r.get(2 * i)), number(r.get(2 * i + 1)));
      }
      return out;
    } catch (ExecutionException | TimeoutException e) {
      // A read decides nothing: it falls back to what this replica knows, its own part (on Redis
      // and on the local allowance), whatever the policy, so a caller that reads after reserving
      // (soft budgets, retry times) is never left holding a reservation because a read threw.
      markDown(cause(e));
      unavailableReads.increment();
      synchronized (h) {
        for (int i = 0; i <= buckets; i++) {
          long[] b = h.buckets.get(bucket - buckets + i);
          out[i] = b == null ? new Balance(0, 0) : new Balance(b[1], b[0] + b[2]);
        }
      }
      return out;
    }
  }

  private boolean reserveIn(String key, long bucket, int buckets, long amount, long limit, long expiresAtMillis) {
    if (amount < 0 || limit < 0) {
      throw new IllegalArgumentException("amount and limit must be >= 0 but were " + amount + " and " + limit);
    }
    reservations.increment();
    long now = clock.millis();
    Holding h;
    CompletableFuture<List<Object>> f;
    while (true) {
      h = holding(key);
      synchronized (h) {
        if (h.evicted) {
          continue;
        }
        h.prune(bucket - buckets);
        if (bucket < h.low) {
          return false; // the bucket has left the window
        }
        if (expiresAtMillis > h.toldExpireAtMillis) {
          h.toldExpireAtMillis = expiresAtMillis;
        }
        awaitQuiet(h);
        repairIfQuiet(h, now);
        h.lastUsedMillis = now;
        h.pending++;
        h.seq++;
        f = run(apply, keys(h), args(h, now, "R", limit, bucket, amount));
        break;
      }
    }
    List<Object> r;
    try {
      r = await(f);
    } catch (ExecutionException | TimeoutException e) {
      synchronized (h) {
        h.pending--;
        failed(h); // it may have been applied after all: the repair writes the state that holds
        h.notifyAll();
      }
      return outage(key, h, bucket, buckets, amount, limit, cause(e));
    }
    markUp();
    long code = number(r.get(0));
    synchronized (h) {
      h.pending--;
      if (code == 1) {
        h.bucket(bucket)[0] += amount;
      }
      if (code < 0 || number(r.get(2)) == 1) {
        h.dirty = true; // a stale write, or the lease ran out: rewrite the whole state
      }
      h.notifyAll();
    }
    return code == 1;
  }

  private void settleIn(String key, long bucket, int buckets, long reserved, long actual) {
    if (reserved < 0 || actual < 0) {
      throw new IllegalArgumentException("reserved and actual must be >= 0 but were " + reserved + " and " + actual);
    }
    long now = clock.millis();
    while (true) {
      Holding h = holding(key);
      synchronized (h) {
        if (h.evicted) {
          continue;
        }
        h.prune(bucket - buckets);
        if (bucket < h.low) {
          return; // left the window with its bucket
        }
        long[] b = h.bucket(bucket);
        long fromRedis = reserved;
        if (b[2] >= reserved && b[2] > 0) {
          // Reserved on the local allowance while Redis was away: settle it there; the spending
          // joins this replica's state and reaches Redis with this write or the repair.
          b[2] -= reserved;
          fromRedis = 0;
          if (buckets == 0) {
            local.settle(openKey(key), reserved, actual);
          } else {
            local.settleRolling(openKey(key), bucket, buckets, reserved, actual);
          }
        } else {
          b[0] = Math.max(0, b[0] - reserved);
        }
        b[1] += actual;
        h.lastUsedMillis = now;
        if (!repairIfQuiet(h, now)) {
          h.seq++;
          watch(h, run(apply, keys(h), args(h, now, "S", -1, bucket, fromRedis, actual)));
        }
        return;
      }
    }
  }

  /** While a repair is due, lets the reservations in flight land first (for at most the timeout). */
  private void awaitQuiet(Holding h) {
    long slice = Math.max(1, timeout.toMillis() / 4);
    for (int i = 0; i < 4 && h.dirty && h.pending > 0; i++) {
      try {
        h.wait(slice);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static String[] keys(Holding h) {
    return new String[] {h.redisKey, h.leaseKey};
  }

  /** The script arguments of a write of {@code mode} with its extra values. */
  private String[] args(Holding h, long now, String mode, long limit, long... extra) {
    String[] a = new String[9 + extra.length];
    a[0] = h.writer;
    a[1] = replicaId;
    a[2] = Long.toString(h.seq);
    a[3] = Long.toString(now);
    a[4] = Long.toString(leaseMillis);
    a[5] = Long.toString(h.ttlAt(now, leaseMillis));
    a[6] = Long.toString(h.low == Long.MIN_VALUE ? 0 : h.low);
    a[7] = mode;
    a[8] = Long.toString(limit);
    for (int i = 0; i < extra.length; i++) {
      a[9 + i] = Long.toString(extra[i]);
    }
    return a;
  }

  /** The arguments of a repair: the holding's whole state. */
  private String[] state(Holding h, long now) {
    String[] a = args(h, now, "A", -1, new long[3 * h.buckets.size()]);
    h.appendState(a, 9);
    return a;
  }

  /**
   * Rewrites the holding's whole state when it is dirty and no reservation is in flight (one
   * sent earlier would land first and be overwritten). The caller holds the monitor.
   *
   * @return true when the repair was sent
   */
  private boolean repairIfQuiet(Holding h, long now) {
    if (!h.dirty || h.pending > 0) {
      return false;
    }
    long failuresAtStart = h.failures;
    h.seq++;
    resyncs.increment();
    h.dirty = false;
    CompletableFuture<List<Object>> f = run(apply, keys(h), state(h, now));
    var unused = f.whenComplete((r, e) -> {
      synchronized (h) {
        if (e != null) {
          failed(h);
        } else if (h.failures != failuresAtStart) {
          h.dirty = true;
        }
      }
      if (e != null) {
        markDown(LuaScript.unwrap(e));
      } else {
        markUp();
      }
    });
    return true;
  }

  /** Marks the holding dirty when a write it sent fails. */
  private void watch(Holding h, CompletableFuture<List<Object>> f) {
    var unused = f.whenComplete((r, e) -> {
      if (e != null) {
        synchronized (h) {
          failed(h);
        }
        markDown(LuaScript.unwrap(e));
      } else {
        if (number(r.get(0)) < 0 || number(r.get(2)) == 1) {
          synchronized (h) {
            h.dirty = true;
          }
        }
        markUp();
      }
    });
  }

  /** Decides a reservation Redis did not answer by the counter's policy. */
  private boolean outage(String key, Holding h, long bucket, int buckets, long amount, long limit, Throwable cause) {
    unavailable.increment();
    markDown(cause);
    OutagePolicy policy = policy(key);
    if (policy.failsClosed()) {
      failClosedRejections.increment();
      tell(key, policy, false, cause);
      throw new BudgetUnavailableException(key, cause);
    }
    long allowance = policy.allowance(limit);
    boolean ok = buckets == 0
        ? local.reserve(openKey(key), amount, allowance)
        : local.reserveRolling(openKey(key), bucket, buckets, amount, allowance);
    if (ok) {
      synchronized (h) {
        h.bucket(bucket)[2] += amount;
      }
      failOpenAdmissions.increment();
    } else {
      failOpenDenials.increment();
    }
    tell(key, policy, ok, cause);
    return ok;
  }

  private void tell(String key, OutagePolicy policy, boolean admitted, Throwable cause) {
    try {
      listener.unavailable(key, policy, admitted, cause);
    } catch (RuntimeException e) {
      LOG.warn("outage listener {} failed", listener.getClass().getName(), e);
    }
  }

  private void failed(Holding h) {
    writeFailures.increment();
    h.failures++;
    h.dirty = true;
  }

  CompletableFuture<List<Object>> run(LuaScript script, String[] keys, String[] args) {
    StatefulConnection<String, String> c = connection;
    RedisScriptingAsyncCommands<String, String> redis = commands;
    if (c == null || redis == null || !c.isOpen()) {
      return CompletableFuture.failedFuture(new RedisConnectionException("not connected to Redis"));
    }
    try {
      return script.run(redis, keys, args, scriptReloads);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e); // the command was refused before it was sent
    }
  }

  List<Object> await(CompletableFuture<List<Object>> f) throws ExecutionException, TimeoutException {
    try {
      return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExecutionException(e);
    }
  }

  // ---- heartbeat: leases, repairs, eviction, reconnection ----

  /**
   * Renews this replica's leases on every scope where it holds reservations, rewrites every
   * counter whose last write failed (the write-back after an outage), forgets idle counters, and
   * reconnects when the connection was lost. Runs every third of the lease on the scheduler;
   * callable directly (tests do, with a test clock).
   */
  public void heartbeat() {
    if (closed.get()) {
      return;
    }
    if (connection == null && uri != null) {
      connect();
    }
    long now = clock.millis();
    Map<String, List<Holding>> byLease = new HashMap<>();
    for (Holding h : holdings.values()) {
      synchronized (h) {
        if (h.evicted) {
          continue;
        }
        if (h.holdsReservations()) {
          byLease.computeIfAbsent(h.leaseKey, k -> new ArrayList<>()).add(h);
        }
        if (!repairIfQuiet(h, now) && !h.dirty && h.pending == 0 && h.idle() && now - h.lastUsedMillis >= leaseMillis) {
          h.evicted = true;
          holdings.remove(h.counterKey, h);
        }
      }
    }
    List<CompletableFuture<?>> sent = new ArrayList<>();
    for (Map.Entry<String, List<Holding>> e : byLease.entrySet()) {
      leaseRenewals.increment();
      List<Holding> held = e.getValue();
      sent.add(run(renew, new String[] {e.getKey()},
          new String[] {replicaId, Long.toString(now), Long.toString(leaseMillis)}).thenAccept(r -> {
            if (number(r.get(0)) == 0) {
              for (Holding h : held) { // the lease ran out: others may have dropped these reservations
                synchronized (h) {
                  h.dirty = true;
                }
              }
            }
          }));
    }
    for (CompletableFuture<?> f : sent) {
      try {
        f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        markDown(cause(e));
      }
    }
  }

  private void scheduleHeartbeat() {
    if (closed.get()) {
      return;
    }
    heartbeat = scheduler.schedule(() -> {
      try {
        heartbeat();
      } catch (RuntimeException e) {
        LOG.warn("budget store heartbeat failed", e);
      } finally {
        scheduleHeartbeat();
      }
    }, Duration.ofMillis(Math.max(1, leaseMillis / 3)));
  }

  private void connect() {
    RedisClient client = ownClient;
    RedisURI u = uri;
    if (client == null || u == null) {
      return;
    }
    try {
      StatefulRedisConnection<String, String> c = client.connect(u);
      commands = c.async();
      connection = c;
    } catch (RuntimeException e) {
      markDown(e);
    }
  }

  private void markDown(Throwable cause) {
    if (down.compareAndSet(false, true)) {
      LOG.warn("Redis budget store unavailable ({}); budgets follow their outage policies",
          cause.getClass().getSimpleName());
    }
  }

  private void markUp() {
    if (down.compareAndSet(true, false)) {
      LOG.info("Redis budget store answers again; writing back local spending");
      try {
        listener.recovered();
      } catch (RuntimeException e) {
        LOG.warn("outage listener {} failed", listener.getClass().getName(), e);
      }
    }
  }

  // ---- keys ----

  private Holding holding(String key) {
    Holding h = holdings.get(key);
    return h != null ? h : holdings.computeIfAbsent(key, this::newHolding);
  }

  private Holding newHolding(String key) {
    String tag = hashTag(key);
    String prefix = namespace + ":{" + tag + "}:";
    long expireAt = 0;
    long ttl = idleTtlMillis;
    String window = windowPart(key);
    Budget budget = budgetOf(key);
    if (budget != null) {
      Window w = budget.window();
      if (w.isRolling()) {
        ttl = w.granularity().toMillis() * (w.buckets() + 1) + leaseMillis;
      } else if (w.toString().equals(Window.total().toString())) {
        expireAt = -1;
      } else {
        try {
          Instant end = w.end(Instant.parse(window));
          expireAt = end == null ? -1 : end.toEpochMilli() + leaseMillis;
        } catch (DateTimeParseException e) {
          expireAt = 0; // not a key of Budgets.counterKey's form: idle expiry
        }
      }
    } else if (window.equals(TOTAL_WINDOW)) {
      expireAt = -1;
    }
    return new Holding(key, prefix + "c:" + key, prefix + "leases", replicaId + "." + writers.incrementAndGet(),
        expireAt, ttl);
  }

  private @Nullable Budget budgetOf(String key) {
    int bar = key.indexOf('|');
    return bar < 0 ? null : budgets.get(key.substring(0, bar));
  }

  private OutagePolicy policy(String key) {
    int bar = key.indexOf('|');
    OutagePolicy p = bar < 0 ? null : policies.get(key.substring(0, bar));
    return p != null ? p : defaultPolicy;
  }

  /**
   * The hash tag of a counter key {@code name|scope|window}: its scope ({@code tenant:acme}), so
   * every budget of one scope value lives on one Cluster slot; braces are replaced, since Redis
   * hashes only up to the first closing one.
   */
  static String hashTag(String counterKey) {
    int first = counterKey.indexOf('|');
    int last = counterKey.lastIndexOf('|');
    String scope = first >= 0 && last > first ? counterKey.substring(first + 1, last) : counterKey;
    return scope.replace('{', '(').replace('}', ')');
  }

  private static String windowPart(String key) {
    int last = key.lastIndexOf('|');
    return last < 0 ? "" : key.substring(last + 1);
  }

  private static String openKey(String key) {
    return "open|" + key;
  }

  private static void checkBuckets(int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("a rolling window has at least 1 bucket but was " + buckets);
    }
  }

  private static long number(Object o) {
    return ((Number) o).longValue();
  }

  static Throwable cause(Exception e) {
    return e instanceof ExecutionException && e.getCause() != null ? LuaScript.unwrap(e.getCause()) : e;
  }

  private static String randomId() {
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  // ---- observation, lifecycle ----

  String namespace() {
    return namespace;
  }

  Clock clock() {
    return clock;
  }

  OutagePolicy defaultPolicy() {
    return defaultPolicy;
  }

  /** This replica's id, the lease holder of its reservations. */
  public String replicaId() {
    return replicaId;
  }

  /** The counters of this store since it was built. */
  public Stats stats() {
    return new Stats(reservations.sum(), unavailable.sum(), failClosedRejections.sum(), failOpenAdmissions.sum(),
        failOpenDenials.sum(), writeFailures.sum(), resyncs.sum(), scriptReloads.sum(), leaseRenewals.sum(),
        unavailableReads.sum(), down.get());
  }

  /** The Redis key of counter {@code counterKey} (for operators and tests). */
  public String redisKey(String counterKey) {
    return namespace + ":{" + hashTag(counterKey) + "}:c:" + counterKey;
  }

  /**
   * Stops the heartbeat and closes the connection this store opened (not one it was given).
   * Reservations still held stop counting when their lease runs out.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Cancellable hb = heartbeat;
    if (hb != null) {
      hb.cancel();
    }
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
    RedisClient client = ownClient;
    if (client != null) {
      StatefulConnection<String, String> c = connection;
      if (c != null) {
        c.close();
      }
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /**
   * What a store has counted.
   *
   * @param reservations reservations asked for
   * @param unavailable reservations Redis did not answer in time (decided by an outage policy)
   * @param failClosedRejections of those, rejected by a fail-closed policy
   * @param failOpenAdmissions of those, admitted on a local allowance
   * @param failOpenDenials of those, denied because the local allowance was used up
   * @param writeFailures writes (reservations, settlements, releases, repairs) that failed
   * @param resyncs repair writes sent by the heartbeat
   * @param scriptReloads scripts sent in full after {@code NOSCRIPT}
   * @param leaseRenewals lease renewals sent by the heartbeat
   * @param unavailableReads balance reads Redis did not answer (answered from this replica's part)
   * @param down whether the store last found Redis unavailable
   */
  public record Stats(
      long reservations,
      long unavailable,
      long failClosedRejections,
      long failOpenAdmissions,
      long failOpenDenials,
      long writeFailures,
      long resyncs,
      long scriptReloads,
      long leaseRenewals,
      long unavailableReads,
      boolean down) {}

  /** Builds a {@link RedisBudgetStore}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable RedisURI uri;
    private @Nullable StatefulConnection<String, String> connection;
    private @Nullable RedisScriptingAsyncCommands<String, String> commands;
    private String namespace = "llmops";
    private @Nullable String replicaId;
    private Duration timeout = Duration.ofMillis(250);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration lease = Duration.ofSeconds(30);
    private Duration idleTtl = Duration.ofDays(35);
    private int requestQueueSize = 65_536;
    private OutagePolicy defaultPolicy = OutagePolicy.failClosed();
    private final Map<String, OutagePolicy> policies = new HashMap<>();
    private final Map<String, Budget> budgets = new HashMap<>();
    private Clock clock = Clock.systemUTC();
    private @Nullable TaskScheduler scheduler;
    private OutageListener listener = OutageListener.noop();

    private Builder() {}

    /**
     * Connects to Redis at {@code uri} ({@code redis://[user:password@]host:port[/db]}; take
     * secrets from the environment, not a file). The store owns and closes that connection.
     *
     * @throws IllegalArgumentException if the URI is malformed
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      try {
        this.uri = RedisURI.create(uri);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a Redis URI: " + redact(uri), e);
      }
      this.connection = null;
      this.commands = null;
      return this;
    }

    /**
     * Uses a connection the application opened (standalone; Sentinel through a {@code RedisURI}
     * with sentinels). The store neither configures nor closes it; give it command timeouts.
     */
    public Builder connection(StatefulRedisConnection<String, String> connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      this.commands = connection.async();
      this.uri = null;
      return this;
    }

    /**
     * Uses a Redis Cluster connection the application opened: every script touches the keys of one
     * hash tag only, so Lettuce routes each call to the slot's node. The store neither configures
     * nor closes it.
     */
    public Builder clusterConnection(StatefulRedisClusterConnection<String, String> connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      this.commands = connection.async();
      this.uri = null;
      return this;
    }

    /**
     * Sets the key namespace, one per application sharing a Redis (default {@code llmops}).
     *
     * @throws IllegalArgumentException if blank or holding a brace
     */
    public Builder namespace(String namespace) {
      this.namespace = checkNamespace(namespace);
      return this;
    }

    /** A key namespace, checked: non-blank, without braces (they would break the keys' hash tags). */
    static String checkNamespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (namespace.isBlank() || namespace.indexOf('{') >= 0 || namespace.indexOf('}') >= 0) {
        throw new IllegalArgumentException("namespace must be non-blank without braces but was '" + namespace + "'");
      }
      return namespace;
    }

    /**
     * Names this replica, the holder of its reservations' leases (default: random per store).
     * Must be unique among live replicas.
     *
     * @throws IllegalArgumentException unless 1 to 64 of {@code A-Z a-z 0-9 _ -}
     */
    public Builder replicaId(String replicaId) {
      Objects.requireNonNull(replicaId, "replicaId");
      if (!REPLICA_ID.matcher(replicaId).matches()) {
        throw new IllegalArgumentException("replicaId must be 1 to 64 of A-Z a-z 0-9 _ - but was '" + replicaId + "'");
      }
      this.replicaId = replicaId;
      return this;
    }

    /**
     * Sets how long a reservation waits for Redis before its outage policy decides (default 250
     * ms); also the command timeout of a connection the store opens.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Sets the connect timeout of a connection the store opens (default 2 s).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the lease (default 30 s): how long a replica's reservations keep counting after its
     * last write or heartbeat. A dead replica's reservations come back after at most this long.
     *
     * @throws IllegalArgumentException if below 30 ms
     */
    public Builder lease(Duration lease) {
      positive(lease, "lease");
      if (lease.toMillis() < 30) {
        throw new IllegalArgumentException("lease must be >= 30ms but was " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * Sets how long a counter of a budget not registered with {@link #budgets} lives after its last
     * write (default 35 days); a counter of a total budget ({@code Window.total()}) never expires.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder idleTtl(Duration idleTtl) {
      this.idleTtl = positive(idleTtl, "idleTtl");
      return this;
    }

    /**
     * Bounds the commands queued on a connection the store opens (default 65,536).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder requestQueueSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("requestQueueSize must be >= 1 but was " + size);
      }
      this.requestQueueSize = size;
      return this;
    }

    /**
     * Registers the budgets whose counters this store keeps, so each counter expires with its
     * window (a day's at the end of the day, plus the lease) instead of {@link #idleTtl} after its
     * last write.
     */
    public Builder budgets(Budgets budgets) {
      Objects.requireNonNull(budgets, "budgets");
      for (Budget b : budgets.budgets()) {
        this.budgets.put(b.name(), b);
      }
      return this;
    }

    /** Sets the outage policy of every budget without one of its own (default fail closed). */
    public Builder outagePolicy(OutagePolicy policy) {
      this.defaultPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the outage policy of the budget named {@code budgetName} ({@link Budget#name()}). */
    public Builder outagePolicy(String budgetName, OutagePolicy policy) {
      Objects.requireNonNull(budgetName, "budgetName");
      policies.put(budgetName, Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Sets the clock for leases and window expiry (default the system clock; use the client's).
     * Leases are compared across replicas, so replicas' clocks must agree to well within a lease.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the scheduler of the heartbeat (default: one daemon thread of the store's own). */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Sets who hears of outages (default nobody). */
    public Builder listener(OutageListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the store and connects (when given a URI). A store whose Redis does not answer at
     * build is still built: reservations follow their outage policies and the heartbeat
     * reconnects.
     *
     * @throws IllegalStateException if neither a URI nor a connection was given
     */
    public RedisBudgetStore build() {
      if (uri == null && connection == null) {
        throw new IllegalStateException("set uri(...) or connection(...)");
      }
      return new RedisBudgetStore(this);
    }

    static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + d);
      }
      return d;
    }

    private static String redact(String uri) {
      return uri.replaceAll("//[^@/]*@", "//***@");
    }
  }
}
