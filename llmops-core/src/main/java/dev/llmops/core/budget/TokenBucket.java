package dev.llmops.core.budget;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free token bucket (the generic cell rate algorithm): one atomic "theoretical arrival
 * time". Allows a burst of one period's worth, refills continuously. Time comes from the caller
 * (the client's clock), in nanoseconds. Thread-safe.
 */
final class TokenBucket {
  private static final long PERIOD_NANOS = 60_000_000_000L;

  private final long perPeriod;
  private final AtomicLong tat = new AtomicLong(Long.MIN_VALUE);

  TokenBucket(long perPeriod) {
    this.perPeriod = perPeriod;
  }

  /**
   * Takes {@code amount} units if the bucket has them.
   *
   * @return 0 when taken, else how many nanoseconds until it would have them (nothing taken)
   */
  long tryTake(long amount, long nowNanos) {
    long cost = costNanos(amount);
    while (true) {
      long t = tat.get();
      long base = Math.max(t, nowNanos);
      long next = base + cost;
      long wait = next - nowNanos - PERIOD_NANOS;
      if (wait > 0) {
        return wait;
      }
      if (tat.compareAndSet(t, next)) {
        return 0;
      }
    }
  }

  /** Adds ({@code amount > 0}) or gives back ({@code amount < 0}) units without a check. */
  void adjust(long amount, long nowNanos) {
    long cost = amount >= 0 ? costNanos(amount) : -costNanos(-amount);
    while (true) {
      long t = tat.get();
      long next = Math.max(t, nowNanos - PERIOD_NANOS) + cost;
      if (tat.compareAndSet(t, next)) {
        return;
      }
    }
  }

  private long costNanos(long amount) {
    try {
      return Math.multiplyExact(amount, PERIOD_NANOS) / perPeriod;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4; // more than any bucket can ever hold: never admitted
    }
  }
}
