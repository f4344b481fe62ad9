package dev.llmops.core.internal;

import dev.llmops.api.AttributeKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A call's attributes in plain arrays: {@value #PAIRS} key/value slots per array, and a last slot
 * that chains to the next array once these are taken. A call rarely carries more than a handful of
 * attributes, and scanning a few slots costs less than a hash map per call.
 *
 * <p>Thread-safe and lock-free. Keys compare by identity (as {@link AttributeKey} does) and are
 * never removed, so slots fill in order: a reader that meets an empty slot has seen every key
 * present. A writer claims an empty slot for a new key with a compare-and-set, then publishes the
 * value; until then the key reads as absent.
 */
final class AttributeSlots {
  /** Room for what a call with every capability on carries, so such a call needs one array. */
  static final int PAIRS = 12;
  private static final int NEXT = 2 * PAIRS;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  private AttributeSlots() {}

  /** An empty table. */
  static Object[] create() {
    return new Object[NEXT + 1];
  }

  /** The value for {@code key} in {@code table}, or null. */
  static @Nullable Object get(Object[] table, AttributeKey<?> key) {
    for (Object[] t = table; t != null; t = next(t)) {
      for (int i = 0; i < NEXT; i += 2) {
        Object k = SLOT.getAcquire(t, i);
        if (k == key) {
          return SLOT.getAcquire(t, i + 1);
        }
        if (k == null) {
          return null;
        }
      }
    }
    return null;
  }

  /** Records {@code value} for {@code key} in {@code table}, replacing an earlier value. */
  static void put(Object[] table, AttributeKey<?> key, Object value) {
    Object[] t = table;
    while (true) {
      for (int i = 0; i < NEXT; i += 2) {
        Object k = SLOT.getAcquire(t, i);
        if (k == null) {
          k = SLOT.compareAndExchange(t, i, (Object) null, (Object) key);
          if (k == null) {
            SLOT.setRelease(t, i + 1, value);
            return;
          }
        }
        if (k == key) {
          SLOT.setRelease(t, i + 1, value);
          return;
        }
      }
      Object[] next = next(t);
      if (next == null) {
        Object[] fresh = create();
        Object witness = SLOT.compareAndExchange(t, NEXT, (Object) null, (Object) fresh);
        next = witness == null ? fresh : (Object[]) witness;
      }
      t = next;
    }
  }

  private static Object @Nullable [] next(Object[] table) {
    return (Object[]) SLOT.getAcquire(table, NEXT);
  }

  /**
   * An immutable copy of what {@code table} holds now, without internal keys' values; empty for a
   * null table.
   */
  static Map<AttributeKey<?>, Object> snapshot(Object @Nullable [] table) {
    int count = 0;
    for (Object[] t = table; t != null; t = next(t)) {
      for (int i = 0; i < NEXT; i += 2) {
        if (SLOT.getAcquire(t, i + 1) != null && !((AttributeKey<?>) SLOT.getAcquire(t, i)).isInternal()) {
          count++;
        }
      }
    }
    if (table == null || count == 0) {
      return Map.of();
    }
    // Keys are added concurrently at most; take the first `count` values present now.
    Object[] pairs = new Object[2 * count];
    int n = 0;
    for (Object[] t = table; t != null && n < pairs.length; t = next(t)) {
      for (int i = 0; i < NEXT && n < pairs.length; i += 2) {
        Object v = SLOT.getAcquire(t, i + 1);
        AttributeKey<?> k = v == null ? null : (AttributeKey<?>) SLOT.getAcquire(t, i);
        if (k != null && !k.isInternal()) {
          pairs[n++] = k;
          pairs[n++] = v;
        }
      }
    }
    return new Snapshot(pairs, n / 2);
  }

  /** An immutable map over key/value pairs whose keys are distinct by identity. */
  private static final class Snapshot extends AbstractMap<AttributeKey<?>, Object> {
    private final Object[] pairs;
    private final int size;

    Snapshot(Object[] pairs, int size) {
      this.pairs = pairs;
      this.size = size;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public @Nullable Object get(@Nullable Object key) {
      for (int i = 0; i < 2 * size; i += 2) {
        if (pairs[i] == key) {
          return pairs[i + 1];
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      return get(key) != null;
    }

    @Override
    public Set<Entry<AttributeKey<?>, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return size;
        }

        @Override
        public Iterator<Entry<AttributeKey<?>, Object>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < 2 * size;
            }

            @Override
            public Entry<AttributeKey<?>, Object> next() {
              if (next >= 2 * size) {
                throw new NoSuchElementException();
              }
              AttributeKey<?> key = (AttributeKey<?>) pairs[next];
              Object value = pairs[next + 1];
              next += 2;
              return Map.entry(key, value);
            }
          };
        }
      };
    }
  }
}
