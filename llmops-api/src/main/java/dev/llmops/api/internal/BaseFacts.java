package dev.llmops.api.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;

/**
 * What the response cache and {@link VariablesWith#hashCode} need to know of an immutable
 * variables map (the base of a {@link VariablesWith}), computed once per map instance and
 * remembered by identity: whether every value is a plain scalar, how many characters its names
 * and values hold, and its hash code. Internal: not API.
 *
 * <p>Immutable and thread-safe; {@link #of} remembers the facts of the last few maps (see {@link
 * IdentityMemo}).
 */
public final class BaseFacts {
  /** How many maps' facts are remembered. */
  static final int REMEMBERED = 4;

  /**
   * Value types whose {@code equals} is type-strict, whose instances are immutable, and that are
   * equal exactly when their {@code toString()} texts are.
   */
  private static final Set<Class<?>> SCALARS = Set.of(
      String.class, Boolean.class, Character.class, Byte.class, Short.class, Integer.class, Long.class,
      Float.class, Double.class, BigInteger.class, BigDecimal.class);

  private static final IdentityMemo<BaseFacts> MEMO = IdentityMemo.of(REMEMBERED);

  private final boolean scalars;
  private final long chars;
  private final int hash;

  private BaseFacts(boolean scalars, long chars, int hash) {
    this.scalars = scalars;
    this.chars = chars;
    this.hash = hash;
  }

  /**
   * The facts of {@code immutable}, which must be a map no one can change (a {@link Map#copyOf},
   * say, or the base of a {@link VariablesWith}); remembered ones when it is the same instance as
   * a recent call's.
   */
  public static BaseFacts of(Map<String, Object> immutable) {
    BaseFacts facts = MEMO.get(immutable);
    if (facts == null) {
      facts = compute(immutable);
      MEMO.put(immutable, facts);
    }
    return facts;
  }

  /** The facts of {@code map}, computed now (what {@link #of} remembers). */
  static BaseFacts compute(Map<String, Object> map) {
    boolean scalars = true;
    long chars = 0;
    int hash = 0;
    for (Map.Entry<String, Object> e : map.entrySet()) {
      Object value = e.getValue();
      chars += e.getKey().length() + chars(value);
      if (!isScalar(value)) {
        // The hash is of no use now; another value's hashCode might be costly or even throw.
        scalars = false;
      } else if (scalars) {
        hash += e.hashCode();
      }
    }
    return new BaseFacts(scalars, chars, hash);
  }

  /**
   * Whether {@code value} is a plain scalar: a {@code String}, {@code Boolean}, {@code Character},
   * boxed number or {@code BigInteger}/{@code BigDecimal}, all immutable and with a type-strict
   * {@code equals} that holds exactly when their texts are equal.
   */
  public static boolean isScalar(Object value) {
    return SCALARS.contains(value.getClass());
  }

  /** The text a variable value holds; small fixed-size boxes count as nothing. */
  public static long chars(Object value) {
    if (value instanceof String s) {
      return s.length();
    } else if (value instanceof BigInteger b) {
      return b.bitLength() / 3;
    } else if (value instanceof BigDecimal d) {
      return d.precision();
    }
    return 0;
  }

  /** Whether every value of the map is a plain scalar ({@link #isScalar}). */
  public boolean scalars() {
    return scalars;
  }

  /** The characters of the map's names and values ({@link #chars(Object)}), summed. */
  public long chars() {
    return chars;
  }

  /**
   * The map's hash code, valid only when {@link #scalars()} (other values may be mutable, so their
   * hash codes may change).
   */
  public int hash() {
    return hash;
  }
}
