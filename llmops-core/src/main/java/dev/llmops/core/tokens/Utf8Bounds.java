package dev.llmops.core.tokens;

/**
 * UTF-8 byte counts of strings, remembered for long strings that come back as the same instance.
 * Admission bounds every prompt's tokens by its UTF-8 bytes on every call; a long system prompt is
 * usually one string (a constant, or a render the prompt registry reuses), so its count is looked
 * up by identity instead of scanned again. Thread-safe: slots hold immutable entries, and a racing
 * write only loses a memo, never a count.
 */
final class Utf8Bounds {
  /** Strings shorter than this are scanned every time: the scan costs less than the lookup. */
  static final int MEMO_MIN_LENGTH = 256;

  /** Longer strings are not remembered, so the memo never keeps much text alive. */
  static final int MEMO_MAX_LENGTH = 64 * 1024;

  private static final int SLOTS = 64; // a power of two

  private static final Entry[] MEMO = new Entry[SLOTS];

  private Utf8Bounds() {}

  /**
   * The UTF-8 byte count of {@code text}, as {@code getBytes(UTF_8)} gives it, except that an
   * unpaired surrogate counts 3 bytes (its replacement takes 1): never less than the real count.
   */
  @SuppressWarnings("ReferenceEquality") // the memo is keyed by identity on purpose
  static long bytes(String text) {
    int n = text.length();
    if (n < MEMO_MIN_LENGTH || n > MEMO_MAX_LENGTH) {
      return scan(text);
    }
    int slot = System.identityHashCode(text) & (SLOTS - 1);
    Entry e = MEMO[slot];
    if (e != null && e.text == text) {
      return e.bytes;
    }
    long bytes = scan(text);
    MEMO[slot] = new Entry(text, bytes);
    return bytes;
  }

  /** Whether {@code text}'s count is remembered now; for tests. */
  @SuppressWarnings("ReferenceEquality")
  static boolean remembered(String text) {
    Entry e = MEMO[System.identityHashCode(text) & (SLOTS - 1)];
    return e != null && e.text == text;
  }

  static long scan(String text) {
    long bytes = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** One remembered count; immutable, so a slot read without a lock sees it whole. */
  private static final class Entry {
    final String text;
    final long bytes;

    Entry(String text, long bytes) {
      this.text = text;
      this.bytes = bytes;
    }
  }
}
