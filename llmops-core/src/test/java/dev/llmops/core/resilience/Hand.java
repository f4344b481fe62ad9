package dev.llmops.core.resilience;

import dev.llmops.api.Cancellable;
import dev.llmops.api.time.TaskScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Time moved by hand, for the resilience tests in this module (which cannot use the testkit's
 * TestClock and ManualScheduler): a clock that stands still until {@link #advance}d, and a
 * scheduler whose tasks run, on the advancing thread, when the clock reaches their due time. Tasks
 * due at the same instant run in the order they were scheduled; tasks scheduled while advancing
 * run too if they fall due within the advance. Thread-safe.
 */
final class Hand extends Clock implements TaskScheduler {
  private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long sequence;

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a hand clock has one zone");
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0 but was " + delay);
    }
    Task t = new Task(now.plus(delay), sequence++, task);
    tasks.add(t);
    return () -> {
      if (!t.claimed.compareAndSet(false, true)) {
        return false;
      }
      synchronized (Hand.this) {
        tasks.remove(t);
      }
      return true;
    };
  }

  /** Moves the clock forward by {@code d}, running the tasks that fall due on the way, in order. */
  void advance(Duration d) {
    Instant until = now.plus(d);
    while (true) {
      Task t;
      synchronized (this) {
        Task head = tasks.peek();
        if (head == null || head.due.isAfter(until)) {
          now = until;
          return;
        }
        t = tasks.poll();
        if (t.due.isAfter(now)) {
          now = t.due;
        }
      }
      if (t.claimed.compareAndSet(false, true)) {
        t.runnable.run();
      }
    }
  }

  /** How many tasks wait to run. */
  synchronized int pending() {
    return tasks.size();
  }

  /** The due times of the waiting tasks, earliest first. */
  synchronized List<Instant> pendingDueTimes() {
    List<Task> sorted = new ArrayList<>(tasks);
    sorted.sort(null);
    return sorted.stream().map(t -> t.due).toList();
  }

  private static final class Task implements Comparable<Task> {
    final Instant due;
    final long sequence;
    final Runnable runnable;
    final AtomicBoolean claimed = new AtomicBoolean();

    Task(Instant due, long sequence, Runnable runnable) {
      this.due = due;
      this.sequence = sequence;
      this.runnable = runnable;
    }

    @Override
    public int compareTo(Task o) {
      int c = due.compareTo(o.due);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }
}
