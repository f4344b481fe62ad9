package dev.llmops.core.budget;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link BudgetStore} in memory: one pair of atomic counters per key in a concurrent map, so calls
 * on different keys never contend and calls on one key contend only on a compare-and-set.
 * Counters of past windows are kept (a few dozen bytes each) until {@link #clear()}. Thread-safe.
 */
public final class InMemoryBudgetStore implements BudgetStore {
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

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
    return sum;
  }

  /** Forgets every counter. */
  public void clear() {
    counters.clear();
  }

  private static void requireNonNegative(long v, String name) {
    if (v < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + v);
    }
  }

  /** Spent, and spent plus reserved. */
  private static final class Counter {
    final AtomicLong spent = new AtomicLong();
    final AtomicLong committed = new AtomicLong();
  }
}
