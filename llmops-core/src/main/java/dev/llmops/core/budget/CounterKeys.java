package dev.llmops.core.budget;

import dev.llmops.api.CallContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

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
    Current c = current.get(index);
    if (c == null || nowMillis < c.startMillis || nowMillis >= c.endMillis) {
      Instant now = Instant.ofEpochMilli(nowMillis);
      Instant end = budget.window().end(now);
      long start = budget.window().isRolling() ? Long.MIN_VALUE : budget.window().start(now).toEpochMilli();
      c = new Current(start, end == null ? Long.MAX_VALUE : end.toEpochMilli());
      current.set(index, c);
    }
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

  /** One window of one budget: its bounds in epoch milliseconds and its keys by scope value. */
  private static final class Current {
    final long startMillis;
    final long endMillis;
    final ConcurrentHashMap<String, String> keys = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, String> shadowKeys = new ConcurrentHashMap<>();

    Current(long startMillis, long endMillis) {
      this.startMillis = startMillis;
      this.endMillis = endMillis;
    }
  }
}
