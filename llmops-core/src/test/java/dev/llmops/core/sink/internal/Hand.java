package dev.llmops.core.sink.internal;

import dev.llmops.api.Cancellable;
import dev.llmops.api.time.TaskScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Time and threads moved by hand, for the queue's tests in this module (which cannot use the
 * testkit; the budget tests use it too): a clock that stands still until {@link #advance}d, a scheduler whose tasks run when
 * the clock passes their due time (on the advancing thread), and an executor whose tasks run when
 * {@link #runTasks} is called. Thread-safe.
 */
public final class Hand extends Clock implements TaskScheduler, Executor {
  private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private long sequence;

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    Timer t = new Timer(now.plus(delay), sequence++, task);
    timers.add(t);
    return () -> {
      synchronized (Hand.this) {
        return t.cancelled.compareAndSet(false, true) && timers.remove(t);
      }
    };
  }

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  /** Moves the clock forward, running the timers that fall due, in order. */
  public void advance(Duration d) {
    Instant until;
    synchronized (this) {
      until = now.plus(d);
    }
    while (true) {
      Timer t;
      synchronized (this) {
        Timer head = timers.peek();
        if (head == null || head.due.isAfter(until)) {
          if (until.isAfter(now)) { // threads advancing at once never move it back
            now = until;
          }
          return;
        }
        t = timers.poll();
        now = t.due;
      }
      if (t.cancelled.compareAndSet(false, true)) {
        t.task.run();
      }
    }
  }

  /** Runs the submitted tasks (and those they submit) until none is left; returns how many ran. */
  int runTasks() {
    int ran = 0;
    while (true) {
      Runnable r;
      synchronized (this) {
        r = tasks.poll();
      }
      if (r == null) {
        return ran;
      }
      r.run();
      ran++;
    }
  }

  /** The delays from now of the pending timers, soonest first. */
  synchronized List<Duration> pendingDelays() {
    List<Timer> all = new ArrayList<>(timers);
    all.sort(null);
    List<Duration> out = new ArrayList<>();
    for (Timer t : all) {
      out.add(Duration.between(now, t.due));
    }
    return out;
  }

  synchronized int pendingTimers() {
    return timers.size();
  }

  private static final class Timer implements Comparable<Timer> {
    final Instant due;
    final long sequence;
    final Runnable task;
    final AtomicBoolean cancelled = new AtomicBoolean();

    Timer(Instant due, long sequence, Runnable task) {
      this.due = due;
      this.sequence = sequence;
      this.task = task;
    }

    @Override
    public int compareTo(Timer o) {
      int c = due.compareTo(o.due);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }
}
