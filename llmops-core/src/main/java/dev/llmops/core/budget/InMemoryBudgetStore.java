package dev.llmops.core.budget;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * {@link BudgetStore} in memory: one pair of atomic counters per key in a concurrent map, so calls
 * on different keys never contend and calls on one key contend only on a compare-and-set.
 * Counters of past windows are kept (a few dozen bytes each) until {@link #clear()}.
 *
 * <p>A rolling counter is an immutable ring of {@code buckets + 1} bucket balances behind one
 * atomic reference per key, replaced by compare-and-set (each update copies the ring: about 16
 * bytes per bucket); so rolling counters, too, contend only per key, never on a global lock.
 * Thread-safe.
 */
public final class InMemoryBudgetStore implements BudgetStore {
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicReference<Ring>> rings = new ConcurrentHashMap<>();

  private InMemoryBudgetStore() {}

  /** An empty store. */
  public static InMemoryBudgetStore create() {
    return new InMemoryBudgetStore();
  }

  @Override
  public boolean reserve(String key, long amount, long limit) {
    requireNonNegative(amount, "amount");
    Counter c = counters.computeIfAbsent(Objects.requireNonNull(key, "key"), k -> new Counter());
    long committed;
    do {
      committed = c.committed.get();
      if (committed > limit - amount) {
        return false;
      }
    } while (!c.committed.compareAndSet(committed, committed + amount));
    return true;
  }

  @Override
  public void settle(String key, long reserved, long actual) {
    requireNonNegative(reserved, "reserved");
    requireNonNegative(actual, "actual");
    Counter c = counters.computeIfAbsent(Objects.requireNonNull(key, "key"), k -> new Counter());
    c.spent.addAndGet(actual);
    c.committed.addAndGet(actual - reserved);
  }

  @Override
  public void release(String key, long reserved) {
    requireNonNegative(reserved, "reserved");
    Counter c = counters.get(Objects.requireNonNull(key, "key"));
    if (c != null) {
      c.committed.addAndGet(-reserved);
    }
  }

  @Override
  public Balance balance(String key) {
    Counter c = counters.get(key);
    if (c == null) {
      return new Balance(0, 0);
    }
    long spent = c.spent.get();
    return new Balance(spent, c.committed.get() - spent);
  }

  @Override
  public boolean reserveRolling(String key, long bucket, int buckets, long amount, long limit) {
    requireNonNegative(amount, "amount");
    AtomicReference<Ring> ref = ring(key, bucket, buckets);
    while (true) {
      Ring old = current(ref);
      Ring now = old.advance(bucket);
      long committed = now.committed();
      if (committed > limit - amount || !now.holds(bucket)) {
        return false;
      }
      if (ref.compareAndSet(old, now.add(bucket, 0, amount))) {
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
      out[i] = ring == null ? new Balance(0, 0) : ring.balance(b, bucket);
    }
    return out;
  }

  private AtomicReference<Ring> ring(String key, long bucket, int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1 but was " + buckets);
    }
    AtomicReference<Ring> ref = rings.computeIfAbsent(
        Objects.requireNonNull(key, "key"), k -> new AtomicReference<>(Ring.empty(buckets + 1, bucket)));
    if (current(ref).size() != buckets + 1) {
      throw new IllegalArgumentException("rolling counter " + key + " has " + (current(ref).size() - 1)
          + " buckets, not " + buckets);
    }
    return ref;
  }

  private static Ring current(AtomicReference<Ring> ref) {
    return Objects.requireNonNull(ref.get(), "ring");
  }

  private void update(String key, long bucket, int buckets, long spent, long committed) {
    AtomicReference<Ring> ref = ring(key, bucket, buckets);
    while (true) {
      Ring old = current(ref);
      if (!old.holds(bucket)) {
        return; // the bucket has left the window, and its reservation with it
      }
      if (ref.compareAndSet(old, old.add(bucket, spent, committed))) {
        return;
      }
    }
  }

  /** Every counter's balance by key, sorted. */
  public Map<String, Balance> balances() {
    Map<String, Balance> out = new TreeMap<>();
    counters.keySet().forEach(k -> out.put(k, balance(k)));
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
   * bucket mod size}: spent, and spent plus reserved. Immutable once published.
   */
  private static final class Ring {
    final long head;
    final long[] spent;
    final long[] committed;

    private Ring(long head, long[] spent, long[] committed) {
      this.head = head;
      this.spent = spent;
      this.committed = committed;
    }

    static Ring empty(int size, long head) {
      return new Ring(head, new long[size], new long[size]);
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
      return new Ring(bucket, s, c);
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
      return new Ring(head, s, c);
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

  /** Spent, and spent plus reserved. */
  private static final class Counter {
    final AtomicLong spent = new AtomicLong();
    final AtomicLong committed = new AtomicLong();
  }
}
