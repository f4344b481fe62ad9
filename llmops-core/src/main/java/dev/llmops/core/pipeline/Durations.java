package dev.llmops.core.pipeline;

import java.time.Duration;

/** Durations as the whole milliseconds the client's clock compares in. */
public final class Durations {
  private Durations() {}

  /**
   * {@code d} in whole milliseconds, rounded up (so that a wait or a lifetime is never cut short);
   * {@link Long#MAX_VALUE} for a duration too long for a {@code long} of milliseconds.
   */
  public static long ceilMillis(Duration d) {
    try {
      long millis = d.toMillis();
      return Duration.ofMillis(millis).equals(d) ? millis : millis + 1;
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
