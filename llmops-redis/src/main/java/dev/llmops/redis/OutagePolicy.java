package dev.llmops.redis;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RedisBudgetStore} does with a reservation when Redis does not answer within the
 * store's timeout: fail closed (throw {@link BudgetUnavailableException}, so the call is not made)
 * or fail open onto a local allowance, a fraction of the budget's limit that this replica may
 * reserve on its own per window while Redis is away. Spending made on the allowance is written
 * back to Redis as this replica's own once Redis answers again. Immutable.
 */
public final class OutagePolicy {
  private static final OutagePolicy CLOSED = new OutagePolicy(null);

  private final @Nullable BigDecimal fraction; // null: fail closed

  private OutagePolicy(@Nullable BigDecimal fraction) {
    this.fraction = fraction;
  }

  /** Rejects reservations while Redis is unavailable (the default). */
  public static OutagePolicy failClosed() {
    return CLOSED;
  }

  /**
   * Admits reservations while Redis is unavailable up to {@code fraction} of each limit, counted
   * in this replica's memory per counter key and window.
   *
   * @param fraction a decimal in (0, 1], for example {@code "0.05"} for 5 %
   * @throws IllegalArgumentException if the fraction is not a decimal in (0, 1]
   */
  public static OutagePolicy failOpen(String fraction) {
    Objects.requireNonNull(fraction, "fraction");
    BigDecimal f;
    try {
      f = new BigDecimal(fraction);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("fail-open fraction must be a decimal such as \"0.05\" but was '" + fraction + "'", e);
    }
    if (f.signum() <= 0 || f.compareTo(BigDecimal.ONE) > 0) {
      throw new IllegalArgumentException("fail-open fraction must be in (0, 1] but was " + fraction);
    }
    return new OutagePolicy(f);
  }

  /** True when reservations are rejected while Redis is unavailable. */
  public boolean failsClosed() {
    return fraction == null;
  }

  /** The fraction of a limit a replica may reserve alone; zero when failing closed. */
  public BigDecimal fraction() {
    BigDecimal f = fraction;
    return f == null ? BigDecimal.ZERO : f;
  }

  /** The local allowance for {@code limit}: the fraction of it, rounded down. */
  long allowance(long limit) {
    BigDecimal f = fraction;
    if (f == null) {
      return 0;
    }
    if (limit == Long.MAX_VALUE) {
      return Long.MAX_VALUE; // a soft budget's reservation checks no limit
    }
    return BigDecimal.valueOf(limit).multiply(f).setScale(0, RoundingMode.FLOOR).longValueExact();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof OutagePolicy p && Objects.equals(fraction, p.fraction);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(fraction);
  }

  @Override
  public String toString() {
    BigDecimal f = fraction;
    return f == null ? "fail closed" : "fail open (" + f.toPlainString() + " of the limit)";
  }
}
