package dev.llmops.core.pipeline;

import dev.llmops.api.AttributeKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A layout of a call's attributes in one plain array, a table: a value slot for each key whose
 * {@link AttributeKey#index} falls in this layout's range, read and written directly, and a last
 * slot that chains to arrays of {@value #PAIRS} key/value pairs for every other key.
 *
 * <p>The keys a process uses number densely from 0 in the order it first uses them, and a call with
 * every capability on uses 14 of them, so with {@link #SHARED} its gets and puts index an array: no
 * scan, no compare-and-set. Keys past the range (a process's late keys, tests that make keys by the
 * thousand) fall back to scanning pairs. A new table has direct slots only for the part of the range
 * that puts have used so far, so a call pays for the keys calls use rather than the whole range;
 * a key in range but past a table's direct slots is kept in its pairs. Memory is bounded: a table
 * holds at most {@link #DIRECT} + 1 slots plus its pair arrays, and the layout remembers at most one
 * key per direct slot.
 *
 * <p>Thread-safe and lock-free. Keys compare by identity (as {@link AttributeKey} does) and are
 * never removed. A direct slot belongs to one key for good, so a put there publishes the value with
 * a release store and the last write wins, just as a replacing put does. In the pairs, slots fill
 * in order: a reader that meets an empty slot has seen every key present; a writer claims an empty
 * slot for a new key with a compare-and-set, then publishes the value; until then the key reads as
 * absent.
 */
final class AttributeSlots {
  /**
   * Direct slots of {@link #SHARED} at most: room for the 16 keys llmops defines (15 constants and
   * one per {@code OtelInstrumentation}) and as many of an application's own.
   */
  static final int DIRECT = 32;

  /** Pairs per overflow array. */
  static final int PAIRS = 12;

  /** The layout calls use: keys numbered 0 to {@link #DIRECT} - 1 are direct. */
  static final AttributeSlots SHARED = new AttributeSlots(0, DIRECT);

  private static final int NEXT = 2 * PAIRS;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  private final int first;
  private final int direct;
  /** How many direct slots puts have needed so far, the size of new tables; only grows. */
  private final AtomicInteger used = new AtomicInteger();
  /** The key of each direct slot, once a value was put there: snapshots need it. */
  private final AtomicReferenceArray<@Nullable AttributeKey<?>> keys;

  /** A layout whose direct slots serve keys numbered {@code first} to {@code first + direct - 1}. */
  AttributeSlots(int first, int direct) {
    if (first < 0 || direct < 0) {
      throw new IllegalArgumentException("first and direct must be >= 0: " + first + ", " + direct);
    }
    this.first = first;
    this.direct = direct;
    this.keys = new AtomicReferenceArray<>(direct);
  }

  /** An empty table, with a direct slot for each in-range key a put has used so far. */
  Object[] create() {
    return new Object[used.get() + 1];
  }

  /** True if {@code key} falls in this layout's direct range. */
  boolean isDirect(AttributeKey<?> key) {
    return slot(key) >= 0;
  }

  /** The key's slot in the direct range, or -1. */
  private int slot(AttributeKey<?> key) {
    int i = key.index() - first;
    return i >= 0 && i < direct ? i : -1;
  }

  /** The value for {@code key} in {@code table}, or null. */
  @Nullable Object get(Object[] table, AttributeKey<?> key) {
    int i = slot(key);
    if (i >= 0 && i < table.length - 1) {
      return SLOT.getAcquire(table, i);
    }
    Object[] pairs = pairs(table);
    return pairs == null ? null : pairGet(pairs, key);
  }

  /** Records {@code value} for {@code key} in {@code table}, replacing an earlier value. */
  void put(Object[] table, AttributeKey<?> key, Object value) {
    int i = slot(key);
    if (i >= 0 && i < table.length - 1) {
      // Only this key ever writes here, so the check-then-set is idempotent; the release order
      // makes the key visible to whoever sees the value.
      if (keys.getAcquire(i) != key) {
        keys.setRelease(i, key);
      }
      SLOT.setRelease(table, i, value);
      return;
    }
    if (i >= used.get()) {
      used.accumulateAndGet(i + 1, Math::max); // later tables give this key a direct slot
    }
    Object[] pairs = pairs(table);
    if (pairs == null) {
      Object[] fresh = new Object[NEXT + 1];
      Object witness = SLOT.compareAndExchange(table, table.length - 1, (Object) null, (Object) fresh);
      pairs = witness == null ? fresh : (Object[]) witness;
    }
    pairPut(pairs, key, value);
  }

  private static Object @Nullable [] pairs(Object[] table) {
    return (Object[]) SLOT.getAcquire(table, table.length - 1);
  }

  private static @Nullable Object pairGet(Object[] pairs, AttributeKey<?> key) {
    for (Object[] t = pairs; t != null; t = next(t)) {
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

  private static void pairPut(Object[] pairs, AttributeKey<?> key, Object value) {
    Object[] t = pairs;
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
        Object[] fresh = new Object[NEXT + 1];
        Object witness = SLOT.compareAndExchange(t, NEXT, (Object) null, (Object) fresh);
        next = witness == null ? fresh : (Object[]) witness;
      }
      t = next;
    }
  }

  private static Object @Nullable [] next(Object[] pairs) {
    return (Object[]) SLOT.getAcquire(pairs, NEXT);
  }

  /**
   * An immutable copy of what {@code table} holds now, without internal keys' values; empty for a
   * null table. Direct keys come first, in index order, then the others in the order they were
   * first put.
   */
  Map<AttributeKey<?>, Object> snapshot(Object @Nullable [] table) {
    if (table == null) {
      return Map.of();
    }
    int direct = table.length - 1;
    int count = 0;
    for (int i = 0; i < direct; i++) {
      if (SLOT.getAcquire(table, i) != null && isResult(keys.getAcquire(i))) {
        count++;
      }
    }
    Object[] pairs = pairs(table);
    for (Object[] t = pairs; t != null; t = next(t)) {
      for (int i = 0; i < NEXT; i += 2) {
        if (SLOT.getAcquire(t, i + 1) != null && !((AttributeKey<?>) SLOT.getAcquire(t, i)).isInternal()) {
          count++;
        }
      }
    }
    if (count == 0) {
      return Map.of();
    }
    // Keys are only ever added, concurrently at most: take the first `count` values present now.
    Object[] out = new Object[2 * count];
    int n = 0;
    for (int i = 0; i < direct && n < out.length; i++) {
      Object v = SLOT.getAcquire(table, i);
      AttributeKey<?> k = v == null ? null : keys.getAcquire(i);
      if (k != null && !k.isInternal()) {
        out[n++] = k;
        out[n++] = v;
      }
    }
    for (Object[] t = pairs; t != null && n < out.length; t = next(t)) {
      for (int i = 0; i < NEXT && n < out.length; i += 2) {
        Object v = SLOT.getAcquire(t, i + 1);
        AttributeKey<?> k = v == null ? null : (AttributeKey<?>) SLOT.getAcquire(t, i);
        if (k != null && !k.isInternal()) {
          out[n++] = k;
          out[n++] = v;
        }
      }
    }
    return new Snapshot(out, n / 2);
  }

  // A direct slot's key is published before its value, so it is never null here; if it were,
  // the value would read as absent, as a pair's value does until its key is in place.
  private static boolean isResult(@Nullable AttributeKey<?> key) {
    return key != null && !key.isInternal();
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
