package dev.llmops.core.budget;

import dev.llmops.api.CallContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The counter keys of a client's budgets, {@link Budgets#counterKey} computed once per budget,
 * window and scope value rather than once per call: the window's bounds and the keys of the scope
 * values seen in it (shadow calls' apart) are kept until the clock leaves the window. At most {@value #MAX_KEYS} keys
 * are kept per budget and window; beyond that a key is built per call. Thread-safe.
 */
final class CounterKeys {
  static final int MAX_KEYS = 10_000;

  private final List<Budget> budgets;
  private final AtomicReferenceArray<Current> current;

  CounterKeys(List<Budget> budgets) {
    this.budgets = budgets;
    this.current = new AtomicReferenceArray<>(budgets.size());
  }

  /** The key of budget {@code index} for a call with {@code context} at {@code nowMillis}. */
  String key(int index, CallContext context, long nowMillis) {
    Budget budget = budgets.get(index);
    Current c = current(index, nowMillis);
    String value = budget.scope().value(context);
    ConcurrentHashMap<String, String> keys = Scope.shadow(context) ? c.shadowKeys : c.keys;
    String key = keys.get(value);
    if (key == null) {
      key = Budgets.counterKey(budget, context, Instant.ofEpochMilli(nowMillis));
      if (keys.size() < MAX_KEYS) {
        keys.putIfAbsent(value, key);
      }
    }
    return key;
  }

  /**
   * The end of budget {@code index}'s window holding {@code nowMillis}, when its counter may be
   * forgotten; null for a window without end (the lifetime, or rolling).
   */
  @Nullable Instant end(int index, long nowMillis) {
    return current(index, nowMillis).end;
  }

  private Current current(int index, long nowMillis) {
    Current c = current.get(index);
    if (c == null || nowMillis < c.startMillis || nowMillis >= c.endMillis) {
      Window window = budgets.get(index).window();
      Instant now = Instant.ofEpochMilli(nowMillis);
      Instant end = window.end(now);
      long start = window.isRolling() ? Long.MIN_VALUE : window.start(now).toEpochMilli();
      c = new Current(start, end);
      current.set(index, c);
    }
    return c;
  }

  /** One window of one budget: its bounds in epoch milliseconds and its keys by scope value. */
  private static final class Current {
    final long startMillis;
    final long endMillis;
    final @Nullable Instant end;
    final ConcurrentHashMap<String, String> keys = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, String> shadowKeys = new ConcurrentHashMap<>();

    Current(long startMillis, @Nullable Instant end) {
      this.startMillis = startMillis;
      this.endMillis = end == null ? Long.MAX_VALUE : end.toEpochMilli();
      this.end = end;
    }
  }
}
