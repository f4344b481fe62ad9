package dev.llmops.api.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A few facts remembered by the identity of the immutable object they were computed from (an
 * immutable variables map, say): {@link #get} answers only for the very instance {@link #put}
 * was given, so it can never return a stale fact for a different object, however equal. Internal:
 * not API.
 *
 * <p>It holds at most {@code size} entries, each keeping its key alive until it is replaced (the
 * oldest first). Keys that change on every call would make every call pay for an entry, so after
 * two misses in a row only one miss in 32 is remembered, until the next hit; a key used again and
 * again is therefore remembered within 32 calls at worst.
 *
 * <p>Thread-safe: entries are immutable and published through an {@link AtomicReferenceArray};
 * the miss count and the next slot to replace are racy hints that only decide what to remember.
 *
 * @param <V> the remembered value, immutable
 */
public final class IdentityMemo<V> {
  private static final int BURST = 2;
  private static final int SAMPLE = 32;

  private final AtomicReferenceArray<@Nullable Entry<V>> slots;
  private int misses;
  private int next;

  private IdentityMemo(int size) {
    this.slots = new AtomicReferenceArray<>(size);
  }

  /**
   * A memo of {@code size} entries.
   *
   * @throws IllegalArgumentException if {@code size} is not between 1 and 16
   */
  public static <V> IdentityMemo<V> of(int size) {
    if (size < 1 || size > 16) {
      throw new IllegalArgumentException("size must be between 1 and 16 but was " + size);
    }
    return new IdentityMemo<>(size);
  }

  /** The value remembered for exactly {@code key} (by identity), or null. */
  public @Nullable V get(Object key) {
    for (int i = 0, n = slots.length(); i < n; i++) {
      Entry<V> e = slots.get(i);
      if (e != null && e.key == key) {
        if (misses != 0) {
          misses = 0;
        }
        return e.value;
      }
    }
    return null;
  }

  /**
   * Remembers {@code value} for {@code key} (which {@link #get} just missed), unless keys seem to
   * change on every call; {@code key} must be immutable in whatever {@code value} depends on.
   */
  public void put(Object key, V value) {
    int m = misses + 1;
    misses = m < (1 << 30) ? m : BURST + 1;
    if (m > BURST && (m & (SAMPLE - 1)) != 0) {
      return;
    }
    int slot = next;
    next = slot + 1 < slots.length() ? slot + 1 : 0;
    slots.set(slot, new Entry<>(key, value));
  }

  private static final class Entry<V> {
    final Object key;
    final V value;

    Entry(Object key, V value) {
      this.key = key;
      this.value = value;
    }
  }
}
