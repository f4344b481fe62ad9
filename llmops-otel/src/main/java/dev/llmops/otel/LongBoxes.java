package dev.llmops.otel;

import org.jspecify.annotations.Nullable;

/**
 * Boxed {@code long} attribute values for settings that repeat across calls (a request's {@code
 * max_tokens}), so that a span attribute does not box the same number on every call. A small
 * direct-mapped table: a value whose slot holds another is boxed anew and takes the slot.
 *
 * <p>Thread-safe without locks: slots hold immutable boxes, written and read racily; a reader uses
 * a box only after checking its value.
 */
final class LongBoxes {
  private static final int SLOTS = 64; // a power of two

  private final @Nullable Long[] slots = new Long[SLOTS];

  /** {@code value} boxed; the same box as the last time for a value that keeps its slot. */
  Long of(long value) {
    int slot = (int) ((value * 0x9E3779B97F4A7C15L) >>> 58); // the top 6 bits of a multiplicative hash
    Long box = slots[slot];
    if (box == null || box != value) {
      box = value;
      slots[slot] = box;
    }
    return box;
  }
}
