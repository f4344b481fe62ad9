package dev.llmops.core.cache;

import java.util.HexFormat;

/**
 * A cache key: the 32 bytes of a SHA-256 digest as four longs, compared by value. Smaller than its
 * 64-character hex form, which {@link #hex()} makes only when asked (a hit's event).
 */
final class CacheKey {
  private final long a;
  private final long b;
  private final long c;
  private final long d;

  CacheKey(long a, long b, long c, long d) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** The digest as lower-case hex, as {@link CacheKeys#of} returns it. */
  String hex() {
    HexFormat f = HexFormat.of();
    return f.toHexDigits(a) + f.toHexDigits(b) + f.toHexDigits(c) + f.toHexDigits(d);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k && a == k.a && b == k.b && c == k.c && d == k.d;
  }

  @Override
  public int hashCode() {
    // The digest is uniformly distributed: its first bytes are as good a hash as any.
    return (int) (a ^ (a >>> 32));
  }

  @Override
  public String toString() {
    return hex();
  }
}
