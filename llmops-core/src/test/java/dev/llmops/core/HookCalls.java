package dev.llmops.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Counts the calls of a hook that runs on another thread (a watcher's after-refresh hook) and lets
 * a test wait, bounded, until a condition holds. Thread-safe.
 */
public final class HookCalls implements Runnable {
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Semaphore calls = new Semaphore(0);
  private final AtomicInteger count = new AtomicInteger();

  /** A counter with no calls yet. */
  public HookCalls() {}

  /** Records one call. */
  @Override
  public void run() {
    count.incrementAndGet();
    calls.release();
  }

  /** How many times the hook ran. */
  public int count() {
    return count.get();
  }

  /**
   * Waits until {@code condition} holds, checking it now and again after each call of the hook;
   * fails, naming {@code what}, if it does not hold within ten seconds. (The events of one edit may
   * reach a watcher in more than one piece, so "the first call after the edit" is not enough.)
   */
  public void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !calls.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        assertThat(condition.getAsBoolean()).as("within 10 s: " + what).isTrue();
        return;
      }
    }
  }
}
