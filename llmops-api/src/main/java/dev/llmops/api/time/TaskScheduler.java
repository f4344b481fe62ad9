package dev.llmops.api.time;

import dev.llmops.api.Cancellable;
import java.time.Duration;

/**
 * Runs tasks after a delay: the one place llmops waits on time (retry backoff, simulated latency,
 * deadlines, cache refresh). Production code uses a small daemon thread pool; tests use a manual
 * scheduler driven by a test clock, so nothing ever sleeps.
 *
 * <p>Implementations are thread-safe. Tasks must be short: they run on the scheduler's threads.
 */
public interface TaskScheduler {

  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @param task what to run
   * @param delay how long to wait, {@code >= 0}
   * @return a handle that cancels the task if it has not run yet
   */
  Cancellable schedule(Runnable task, Duration delay);
}
