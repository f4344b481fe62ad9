package dev.llmops.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An exact amount of US dollars. Never a {@code double}: prices come from decimal text and every
 * sum and product is exact. Amounts compare and print numerically ({@code 0.50} equals {@code
 * 0.5}). Immutable and thread-safe.
 *
 * @param amount the amount in US dollars, normalised (trailing zeros stripped)
 */
public record Money(BigDecimal amount) implements Comparable<Money> {

  /** Zero dollars. */
  public static final Money ZERO = new Money(BigDecimal.ZERO);

  /** The number of nano-dollars (1e-9 USD) in one dollar: the unit of integer budget counters. */
  private static final BigDecimal NANOS_PER_DOLLAR = BigDecimal.valueOf(1_000_000_000L);

  /** Checks and normalises the amount. */
  public Money {
    Objects.requireNonNull(amount, "amount");
    amount = amount.signum() == 0 ? BigDecimal.ZERO : amount.stripTrailingZeros();
  }

  /**
   * Dollars from decimal text, for example {@code Money.usd("0.01")}.
   *
   * @throws NumberFormatException if the text is not a decimal number
   */
  public static Money usd(String amount) {
    return new Money(new BigDecimal(Objects.requireNonNull(amount, "amount")));
  }

  /** Dollars from an exact decimal. */
  public static Money usd(BigDecimal amount) {
    return new Money(amount);
  }

  /** Dollars from a count of nano-dollars (1e-9 USD), the unit of integer budget counters. */
  public static Money ofNanos(long nanos) {
    return new Money(BigDecimal.valueOf(nanos, 9));
  }

  /** This amount plus {@code other}, exactly. */
  public Money plus(Money other) {
    return new Money(amount.add(other.amount));
  }

  /** This amount minus {@code other}, exactly. */
  public Money minus(Money other) {
    return new Money(amount.subtract(other.amount));
  }

  /** This amount times {@code factor}, exactly (a per-token price times a token count). */
  public Money times(long factor) {
    return new Money(amount.multiply(BigDecimal.valueOf(factor)));
  }

  /** True when the amount is zero. */
  public boolean isZero() {
    return amount.signum() == 0;
  }

  /**
   * This amount in whole nano-dollars, rounded up (so that a budget counter never undercounts).
   *
   * @throws ArithmeticException if it does not fit a {@code long} (more than about 9.2 billion USD)
   */
  public long toNanosCeiling() {
    return amount.multiply(NANOS_PER_DOLLAR).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  @Override
  public int compareTo(Money other) {
    return amount.compareTo(other.amount);
  }

  /** The amount as plain decimal text followed by {@code USD}, for example {@code 0.0125 USD}. */
  @Override
  public String toString() {
    return amount.toPlainString() + " USD";
  }
}
