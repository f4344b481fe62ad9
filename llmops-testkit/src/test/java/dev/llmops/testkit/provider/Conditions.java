package dev.llmops.testkit.provider;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for what a real server or HTTP client does on its own threads; never sleeps. */
public final class Conditions {
  private Conditions() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @throws AssertionError with {@code failure} if it does not within 20 seconds
   */
  public static void await(BooleanSupplier condition, String failure) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(failure);
      }
      Thread.onSpinWait();
    }
  }
}
