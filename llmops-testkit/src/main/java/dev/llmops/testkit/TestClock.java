package dev.llmops.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that stands still until a test advances it. Advancing runs, in time order, the tasks of
 * every {@link ManualScheduler} attached to it that fall due, with the clock set to each task's due
 * time while it runs. Thread-safe.
 */
public final class TestClock extends Clock {
  /** Where a new test clock starts: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final ZoneId zone;
  private volatile Instant now;
  private final CopyOnWriteArrayList<ManualScheduler> schedulers = new CopyOnWriteArrayList<>();

  private TestClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  /** A test clock at {@link #DEFAULT_START}, in UTC. */
  public static TestClock create() {
    return new TestClock(DEFAULT_START, ZoneOffset.UTC);
  }

  /** A test clock at {@code start}, in UTC. */
  public static TestClock at(Instant start) {
    return new TestClock(Objects.requireNonNull(start, "start"), ZoneOffset.UTC);
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view of this clock in another zone; advancing either advances both. */
  @Override
  public Clock withZone(ZoneId zone) {
    TestClock parent = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return zone;
      }

      @Override
      public Clock withZone(ZoneId z) {
        return parent.withZone(z);
      }

      @Override
      public Instant instant() {
        return parent.instant();
      }
    };
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public long millis() {
    return now.toEpochMilli();
  }

  /**
   * Moves the clock forward by {@code amount}, running every attached scheduler's tasks that fall
   * due on the way, in due-time order (tasks they schedule that fall due in the window run too).
   *
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("cannot move a clock backwards: " + amount);
    }
    Instant target = now.plus(amount);
    while (true) {
      ManualScheduler next = null;
      Instant nextDue = null;
      for (ManualScheduler s : schedulers) {
        Instant due = s.nextDue();
        if (due != null && !due.isAfter(target) && (nextDue == null || due.isBefore(nextDue))) {
          next = s;
          nextDue = due;
        }
      }
      if (next == null || nextDue == null) {
        break;
      }
      synchronized (this) {
        if (nextDue.isAfter(now)) {
          now = nextDue;
        }
      }
      next.runDue();
    }
    synchronized (this) {
      if (target.isAfter(now)) {
        now = target;
      }
    }
  }

  /** Moves the clock forward by {@code millis} milliseconds; see {@link #advance(Duration)}. */
  public void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }

  /** Runs every attached scheduler's tasks that are due now, without moving the clock. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  void attach(ManualScheduler scheduler) {
    schedulers.add(scheduler);
  }

  @Override
  public String toString() {
    return "TestClock[" + now + "]";
  }
}
