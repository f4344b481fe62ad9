package dev.llmops.core.budget;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * {@link BudgetStore} in memory: one pair of atomic counters per key in a concurrent map, so calls
 * on different keys never contend and calls on one key contend only on a compare-and-set.
 *
 * <p>A rolling counter is an immutable ring of {@code buckets + 1} bucket balances behind one
 * atomic reference per key, replaced by compare-and-set (each update copies the ring: about 16
 * bytes per bucket); so rolling counters, too, contend only per key, never on a global lock.
 *
 * <p>Counters expire: one reserved with an {@code expiresAt} (the client passes its window's end,
 * or for a rolling counter the time its newest reservation leaves the window) is forgotten by
 * {@link #evictExpired} once that time has passed, so memory stays bounded by the scope values
 * active in the current windows. A counter is retired by one compare-and-set that marks it dead
 * and only then removed from the map, so a reservation racing with eviction either lands before
 * it (and the counter is not expired) or finds the mark and starts again on a fresh counter.
 * Settling or releasing on a counter that was forgotten does nothing. Thread-safe.
 */
public final class InMemoryBudgetStore implements BudgetStore {
  /** The committed value of a counter that was evicted. */
  private static final long DEAD = Long.MIN_VALUE;
  private static final long NEVER = Long.MAX_VALUE;

  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicReference<Ring>> rings = new ConcurrentHashMap<>();
  /** No counter expires before this (epoch millis): a lower bound, so eviction can skip the scan. */
  private final AtomicLong earliestExpiry = new AtomicLong(NEVER);
  private final AtomicBoolean evicting = new AtomicBoolean();

  private InMemoryBudgetStore() {}

  /** An empty store. */
  public static InMemoryBudgetStore create() {
    return new InMemoryBudgetStore();
  }

  @Override
  public boolean reserve(String key, long amount, long limit) {
    return reserve(key, amount, limit, NEVER);
  }

  @Override
  public boolean reserve(String key, long amount, long limit, Instant expiresAt) {
    return reserve(key, amount, limit, expiresAt.toEpochMilli());
  }

  private boolean reserve(String key, long amount, long limit, long expiresAtMillis) {
    requireNonNegative(amount, "amount");
    Objects.requireNonNull(key, "key");
    while (true) {
      Counter c = counters.get(key); // a plain read first: the capturing lambda only for a new key
      if (c == null) {
        c = counters.computeIfAbsent(key, k -> newCounter(expiresAtMillis));
      }
      long committed;
      do {
        committed = c.committed.get();
        if (committed == DEAD) {
          break;
        }
        if (committed > limit - amount) {
          return false;
        }
      } while (!c.committed.compareAndSet(committed, committed + amount));
      if (committed != DEAD) {
        return true;
      }
      counters.remove(key, c); // evicted under us: start again on a fresh counter
    }
  }

  private Counter newCounter(long expiresAtMillis) {
    earliestExpiry.accumulateAndGet(expiresAtMillis, Math::min);
    return new Counter(expiresAtMillis);
  }

  @Override
  public void settle(String key, long reserved, long actual) {
    requireNonNegative(reserved, "reserved");
    requireNonNegative(actual, "actual");
    Counter c = counters.get(Objects.requireNonNull(key, "key"));
    if (c != null && c.add(actual - reserved)) {
      c.spent.addAndGet(actual);
    }
  }

  @Override
  public void release(String key, long reserved) {
    requireNonNegative(reserved, "reserved");
    Counter c = counters.get(Objects.requireNonNull(key, "key"));
    if (c != null) {
      c.add(-reserved);
    }
  }

  @Override
  public Balance balance(String key) {
    Counter c = counters.get(key);
    long committed = c == null ? DEAD : c.committed.get();
    if (c == null || committed == DEAD) {
      return new Balance(0, 0);
    }
    long spent = c.spent.get();
    return new Balance(spent, committed - spent);
  }

  @Override
  public boolean reserveRolling(String key, long bucket, int buckets, long amount, long limit) {
    return reserveRolling(key, bucket, buckets, amount, limit, NEVER);
  }

  @Override
  public boolean reserveRolling(String key, long bucket, int buckets, long amount, long limit, Instant expiresAt) {
    return reserveRolling(key, bucket, buckets, amount, limit, expiresAt.toEpochMilli());
  }

  private boolean reserveRolling(String key, long bucket, int buckets, long amount, long limit, long expiresAtMillis) {
    requireNonNegative(amount, "amount");
    while (true) {
      AtomicReference<Ring> ref = ring(key, bucket, buckets, expiresAtMillis);
      Ring old = current(ref);
      if (old == Ring.DEAD) {
        rings.remove(key, ref); // evicted under us: start again on a fresh ring
        continue;
      }
      Ring now = old.advance(bucket);
      long committed = now.committed();
      if (committed > limit - amount || !now.holds(bucket)) {
        return false;
      }
      if (ref.compareAndSet(old, now.add(bucket, 0, amount).expiringAt(expiresAtMillis))) {
        return true;
      }
    }
  }

  @Override
  public void settleRolling(String key, long bucket, int buckets, long reserved, long actual) {
    requireNonNegative(reserved, "reserved");
    requireNonNegative(actual, "actual");
    update(key, bucket, buckets, actual, actual - reserved);
  }

  @Override
  public void releaseRolling(String key, long bucket, int buckets, long reserved) {
    requireNonNegative(reserved, "reserved");
    update(key, bucket, buckets, 0, -reserved);
  }

  @Override
  public Balance[] rollingBalances(String key, long bucket, int buckets) {
    Balance[] out = new Balance[buckets + 1];
    AtomicReference<Ring> ref = rings.get(key);
    @Nullable Ring ring = ref == null ? null : current(ref);
    for (int i = 0; i <= buckets; i++) {
      long b = bucket - buckets + i;
      out[i] = ring == null || ring == Ring.DEAD ? new Balance(0, 0) : ring.balance(b, bucket);
    }
    return out;
  }

  private AtomicReference<Ring> ring(String key, long bucket, int buckets, long expiresAtMillis) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1 but was " + buckets);
    }
    AtomicReference<Ring> ref = rings.computeIfAbsent(Objects.requireNonNull(key, "key"), k -> {
      earliestExpiry.accumulateAndGet(expiresAtMillis, Math::min);
      return new AtomicReference<>(Ring.empty(buckets + 1, bucket, expiresAtMillis));
    });
    Ring r = current(ref);
    if (r != Ring.DEAD && r.size() != buckets + 1) {
      throw new IllegalArgumentException("rolling counter " + key + " has " + (r.size() - 1)
          + " buckets, not " + buckets);
    }
    return ref;
  }

  private void update(String key, long bucket, int buckets, long spent, long committed) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1 but was " + buckets);
    }
    AtomicReference<Ring> ref = rings.get(Objects.requireNonNull(key, "key"));
    if (ref == null) {
      return; // forgotten: its reservations left the window with it
    }
    while (true) {
      Ring old = current(ref);
      if (old == Ring.DEAD || !old.holds(bucket)) {
        return; // the bucket has left the window, and its reservation with it
      }
      if (ref.compareAndSet(old, old.add(bucket, spent, committed))) {
        return;
      }
    }
  }

  private static Ring current(AtomicReference<Ring> ref) {
    return Objects.requireNonNull(ref.get(), "ring");
  }

  /**
   * Forgets the counters whose expiry is at or before {@code now}. Quick when none can have
   * expired yet; otherwise one pass over the counters, by one thread at a time (others return).
   */
  @Override
  public void evictExpired(Instant now) {
    long nowMillis = now.toEpochMilli();
    if (nowMillis < earliestExpiry.get() || !evicting.compareAndSet(false, true)) {
      return;
    }
    try {
      // Counters created from here on lower the bound themselves.
      earliestExpiry.set(NEVER);
      long earliest = NEVER;
      for (Map.Entry<String, Counter> e : counters.entrySet()) {
        Counter c = e.getValue();
        if (c.expiresAtMillis <= nowMillis) {
          c.committed.set(DEAD); // a fixed window's counter is never extended
          counters.remove(e.getKey(), c);
        } else {
          earliest = Math.min(earliest, c.expiresAtMillis);
        }
      }
      for (Map.Entry<String, AtomicReference<Ring>> e : rings.entrySet()) {
        AtomicReference<Ring> ref = e.getValue();
        while (true) {
          Ring r = current(ref);
          if (r == Ring.DEAD) {
            rings.remove(e.getKey(), ref);
            break;
          }
          if (r.expiresAtMillis > nowMillis) {
            earliest = Math.min(earliest, r.expiresAtMillis);
            break;
          }
          if (ref.compareAndSet(r, Ring.DEAD)) { // fails if a reservation extended it meanwhile
            rings.remove(e.getKey(), ref);
            break;
          }
        }
      }
      earliestExpiry.accumulateAndGet(earliest, Math::min);
    } finally {
      evicting.set(false);
    }
  }

  /** The number of counters held, fixed-window and rolling. */
  public int size() {
    return counters.size() + rings.size();
  }

  /** Every live fixed-window counter's balance by key, sorted. */
  public Map<String, Balance> balances() {
    Map<String, Balance> out = new TreeMap<>();
    counters.forEach((k, c) -> {
      if (c.committed.get() != DEAD) {
        out.put(k, balance(k));
      }
    });
    return out;
  }

  /** The sum of all reservations not yet settled or released; 0 when no call is in flight. */
  public long totalReserved() {
    long sum = 0;
    for (String k : counters.keySet()) {
      sum += balance(k).reserved();
    }
    for (AtomicReference<Ring> ref : rings.values()) {
      Ring ring = current(ref);
      for (int i = 0; i < ring.size(); i++) {
        sum += ring.committed[i] - ring.spent[i];
      }
    }
    return sum;
  }

  /** Forgets every counter. */
  public void clear() {
    counters.clear();
    rings.clear();
  }

  private static void requireNonNegative(long v, String name) {
    if (v < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + v);
    }
  }

  /**
   * The buckets {@code head - size + 1} to {@code head} of a rolling counter, each at slot {@code
   * bucket mod size}: spent, and spent plus reserved; and when the counter may be forgotten.
   * Immutable once published.
   */
  private static final class Ring {
    /** The ring of an evicted counter: holds nothing, takes nothing. */
    static final Ring DEAD = new Ring(Long.MIN_VALUE, new long[0], new long[0], Long.MIN_VALUE);

    final long head;
    final long[] spent;
    final long[] committed;
    final long expiresAtMillis;

    private Ring(long head, long[] spent, long[] committed, long expiresAtMillis) {
      this.head = head;
      this.spent = spent;
      this.committed = committed;
      this.expiresAtMillis = expiresAtMillis;
    }

    static Ring empty(int size, long head, long expiresAtMillis) {
      return new Ring(head, new long[size], new long[size], expiresAtMillis);
    }

    int size() {
      return spent.length;
    }

    /** True if {@code bucket} is still in the ring (not older than its oldest bucket). */
    boolean holds(long bucket) {
      return bucket > head - size() && bucket <= head;
    }

    int slot(long bucket) {
      return (int) Math.floorMod(bucket, (long) size());
    }

    /** This ring moved on to {@code bucket}: the buckets that left are emptied. */
    Ring advance(long bucket) {
      if (bucket <= head) {
        return this;
      }
      long[] s = spent.clone();
      long[] c = committed.clone();
      long from = Math.max(head + 1, bucket - size() + 1);
      for (long b = from; b <= bucket; b++) {
        s[slot(b)] = 0;
        c[slot(b)] = 0;
      }
      return new Ring(bucket, s, c, expiresAtMillis);
    }

    /** This ring, kept at least until {@code millis}. */
    Ring expiringAt(long millis) {
      return millis <= expiresAtMillis ? this : new Ring(head, spent, committed, millis);
    }

    long committed() {
      long sum = 0;
      for (long c : committed) {
        sum += c;
      }
      return sum;
    }

    /** A copy with {@code spent} and {@code committed} added to bucket {@code bucket}, which it holds. */
    Ring add(long bucket, long spentDelta, long committedDelta) {
      long[] s = spent.clone();
      long[] c = committed.clone();
      s[slot(bucket)] += spentDelta;
      c[slot(bucket)] += committedDelta;
      return new Ring(head, s, c, expiresAtMillis);
    }

    /** Bucket {@code bucket}'s balance as seen at bucket {@code now}. */
    Balance balance(long bucket, long now) {
      Ring r = advance(now);
      if (!r.holds(bucket)) {
        return new Balance(0, 0);
      }
      int i = slot(bucket);
      return new Balance(r.spent[i], r.committed[i] - r.spent[i]);
    }
  }

  /** Spent, and spent plus reserved ({@link #DEAD} once evicted); and when it may be forgotten. */
  private static final class Counter {
    final AtomicLong spent = new AtomicLong();
    final AtomicLong committed = new AtomicLong();
    final long expiresAtMillis;

    Counter(long expiresAtMillis) {
      this.expiresAtMillis = expiresAtMillis;
    }

    /** Adds {@code delta} to the committed amount unless the counter was evicted; true if added. */
    boolean add(long delta) {
      while (true) {
        long c = committed.get();
        if (c == DEAD) {
          return false;
        }
        if (committed.compareAndSet(c, c + delta)) {
          return true;
        }
      }
    }
  }
}
