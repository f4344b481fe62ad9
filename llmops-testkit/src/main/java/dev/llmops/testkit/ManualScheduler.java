package dev.llmops.testkit;

import dev.llmops.api.Cancellable;
import dev.llmops.api.time.TaskScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TaskScheduler} whose tasks run only when its {@link TestClock} is advanced past their
 * due time, on the thread that advances it. Nothing runs on its own and nothing sleeps. Tasks due
 * at the same instant run in the order they were scheduled. Thread-safe.
 */
public final class ManualScheduler implements TaskScheduler {
  private final TestClock clock;
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long sequence;

  private ManualScheduler(TestClock clock) {
    this.clock = clock;
  }

  /** A scheduler driven by {@code clock}. */
  public static ManualScheduler on(TestClock clock) {
    ManualScheduler s = new ManualScheduler(Objects.requireNonNull(clock, "clock"));
    clock.attach(s);
    return s;
  }

  /** The clock that drives this scheduler. */
  public TestClock clock() {
    return clock;
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    Objects.requireNonNull(task, "task");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0 but was " + delay);
    }
    Task t;
    synchronized (this) {
      t = new Task(clock.instant().plus(delay), sequence++, task);
      queue.add(t);
    }
    return () -> {
      if (t.cancelled.compareAndSet(false, true)) {
        synchronized (ManualScheduler.this) {
          queue.remove(t);
        }
        return true;
      }
      return false;
    };
  }

  /** How many tasks wait to run. */
  public synchronized int pending() {
    return queue.size();
  }

  /** The due times of the waiting tasks, earliest first. */
  public synchronized List<Instant> pendingDueTimes() {
    List<Task> tasks = new ArrayList<>(queue);
    tasks.sort(null);
    List<Instant> out = new ArrayList<>(tasks.size());
    tasks.forEach(t -> out.add(t.due));
    return out;
  }

  synchronized @Nullable Instant nextDue() {
    Task head = queue.peek();
    return head == null ? null : head.due;
  }

  /** Runs the tasks due at or before the clock's current time; returns how many ran. */
  int runDue() {
    int ran = 0;
    while (true) {
      Task t;
      synchronized (this) {
        Task head = queue.peek();
        if (head == null || head.due.isAfter(clock.instant())) {
          return ran;
        }
        t = queue.poll();
      }
      if (t != null && t.cancelled.compareAndSet(false, true)) {
        t.runnable.run();
        ran++;
      }
    }
  }

  private static final class Task implements Comparable<Task> {
    final Instant due;
    final long sequence;
    final Runnable runnable;
    final AtomicBoolean cancelled = new AtomicBoolean();

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
