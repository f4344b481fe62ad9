package dev.llmops.testkit.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A response body planned in parts whose length is known before it is written; a repeated part is
 * produced as it is read, so a gigabyte of filler holds one block. Read once, from one thread.
 */
final class PlannedBody {
  /** The filler text oversized answers carry, in blocks of this size. */
  static final int FILLER_BLOCK = 1024;

  /** Marks where filler goes in a JSON document written around it (JSON keeps it as it is). */
  static final String MARK = "@@llmops-filler@@";

  private final List<byte[]> parts = new ArrayList<>();
  private final List<Long> times = new ArrayList<>();
  private long length;

  private int part;
  private long repeat;
  private int offset;

  /** Adds {@code text} as UTF-8. */
  PlannedBody add(String text) {
    return repeat(text.getBytes(StandardCharsets.UTF_8), 1);
  }

  /** Adds {@code bytes} {@code count} times. */
  PlannedBody repeat(byte[] bytes, long count) {
    if (bytes.length > 0 && count > 0) {
      parts.add(bytes);
      times.add(count);
      length += bytes.length * count;
    }
    return this;
  }

  /** Adds {@code count} filler characters. */
  PlannedBody filler(long count) {
    repeat(filler(FILLER_BLOCK).getBytes(StandardCharsets.US_ASCII), count / FILLER_BLOCK);
    return add(filler((int) (count % FILLER_BLOCK)));
  }

  /**
   * Adds {@code document}, which holds {@link #MARK} once, with {@code count} filler characters
   * where the mark is.
   */
  PlannedBody addFilled(String document, long count) {
    int at = document.indexOf(MARK);
    add(document.substring(0, at));
    filler(count);
    return add(document.substring(at + MARK.length()));
  }

  /** {@code count} filler characters, safe inside a JSON string. */
  static String filler(int count) {
    char[] chars = new char[count];
    Arrays.fill(chars, 'x');
    return new String(chars);
  }

  /** The total length in bytes. */
  long length() {
    return length;
  }

  /** True when every byte was read. */
  boolean done() {
    return part == parts.size();
  }

  /**
   * Reads up to {@code max} next bytes into a new array (empty at the end).
   *
   * @param max the most bytes to read, at least 1
   */
  byte[] next(int max) {
    byte[] out = new byte[(int) Math.min(max, remaining())];
    int filled = 0;
    while (filled < out.length) {
      byte[] current = parts.get(part);
      int n = Math.min(out.length - filled, current.length - offset);
      System.arraycopy(current, offset, out, filled, n);
      filled += n;
      offset += n;
      if (offset == current.length) {
        offset = 0;
        if (++repeat == times.get(part)) {
          repeat = 0;
          part++;
        }
      }
    }
    return out;
  }

  private long remaining() {
    long left = 0;
    for (int i = part; i < parts.size(); i++) {
      long count = times.get(i) - (i == part ? repeat : 0);
      left += parts.get(i).length * count - (i == part ? offset : 0);
    }
    return left;
  }
}
