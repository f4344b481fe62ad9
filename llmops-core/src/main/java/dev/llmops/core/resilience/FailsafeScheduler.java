package dev.llmops.core.resilience;

import dev.failsafe.spi.DefaultScheduledFuture;
import dev.failsafe.spi.Scheduler;
import dev.llmops.api.Cancellable;
import dev.llmops.api.time.TaskScheduler;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failsafe's scheduler SPI over the client's {@link TaskScheduler}: retry waits run on the client's
 * scheduler (a manual one in tests). The first attempt of an execution started through {@link
 * #startInline} runs on the calling thread, so a call that needs no wait costs no task hand-off;
 * everything else, retries without a wait included, goes through the scheduler, because Failsafe
 * cancels "prior" inner work right after scheduling a retry, which would hit a retry run inline.
 * Thread-safe.
 */
final class FailsafeScheduler implements Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(FailsafeScheduler.class);
  private static final ThreadLocal<boolean[]> INLINE = ThreadLocal.withInitial(() -> new boolean[1]);

  private final TaskScheduler scheduler;

  FailsafeScheduler(TaskScheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Runs {@code start}, letting the first task it schedules with no delay run on this thread. */
  static <T> T startInline(Supplier<T> start) {
    boolean[] inline = INLINE.get();
    boolean outer = inline[0];
    inline[0] = true;
    try {
      return start.get();
    } finally {
      inline[0] = outer;
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Callable<?> callable, long delay, TimeUnit unit) {
    if (delay <= 0) {
      boolean[] inline = INLINE.get();
      if (inline[0]) {
        inline[0] = false;
        call(callable);
        return new DefaultScheduledFuture<>();
      }
    }
    Task task = new Task(callable, Math.max(0, unit.toNanos(delay)));
    task.handle = scheduler.schedule(task, Duration.ofNanos(task.delayNanos));
    return task;
  }

  private static void call(Callable<?> callable) {
    try {
      callable.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // Failsafe's own callables throw nothing checked; keep the type, not the message.
      LOG.warn("a Failsafe task threw {}; ignored", e.getClass().getName());
    }
  }

  /** A scheduled Failsafe task; Failsafe only ever cancels it. */
  private static final class Task extends DefaultScheduledFuture<Object> implements Runnable {
    private final Callable<?> callable;
    private final long delayNanos;
    private volatile @Nullable Cancellable handle;
    private volatile boolean cancelled;
    private volatile boolean done;

    Task(Callable<?> callable, long delayNanos) {
      this.callable = callable;
      this.delayNanos = delayNanos;
    }

    @Override
    public void run() {
      if (cancelled) {
        return;
      }
      done = true;
      call(callable);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done || cancelled) {
        return false;
      }
      cancelled = true;
      Cancellable h = handle;
      return h == null || h.cancel();
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(delayNanos, other.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
