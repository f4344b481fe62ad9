package dev.llmops.core.pipeline;

import dev.llmops.api.Cancellable;
import dev.llmops.api.time.TaskScheduler;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default {@link TaskScheduler}: one daemon thread, cancelled tasks removed at once so that
 * many pending timers that are cancelled (deadlines of calls that ended) do not pile up.
 */
public final class DaemonScheduler implements TaskScheduler, AutoCloseable {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final ScheduledThreadPoolExecutor executor;

  public DaemonScheduler() {
    int instance = INSTANCES.incrementAndGet();
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread t = new Thread(runnable, "llmops-scheduler-" + instance);
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0 but was " + delay);
    }
    ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /** Stops the thread; pending tasks do not run. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
