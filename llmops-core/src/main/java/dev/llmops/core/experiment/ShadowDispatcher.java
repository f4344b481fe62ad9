package dev.llmops.core.experiment;

import dev.llmops.core.experiment.shadow.ShadowPair;
import dev.llmops.api.Cancellable;
import dev.llmops.api.Completion;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.pipeline.Calls;
import dev.llmops.core.pipeline.Failures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Runs shadow calls off the user's path: a bounded queue in front of a concurrency cap. A job that
 * finds the queue full is dropped and counted. Jobs start on the scheduler (zero delay), never on
 * the thread that completed the user's call. Each shadow call is cancelled after the shadow
 * timeout so a hung candidate cannot hold a slot forever. Thread-safe.
 */
final class ShadowDispatcher {
  private final ArrayBlockingQueue<ShadowJob> queue;
  private final int maxConcurrent;
  private final Duration timeout;
  private final Delivery delivery;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong offered = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();

  private volatile @Nullable Bound bound;

  /** Where a finished pair goes when the shadow call's own step could not deliver it. */
  interface Delivery {
    void deliver(ShadowPair pair);
  }

  private record Bound(Calls calls, TaskScheduler scheduler, Clock clock) {}

  ShadowDispatcher(int queueCapacity, int maxConcurrent, Duration timeout, Delivery delivery) {
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.maxConcurrent = maxConcurrent;
    this.timeout = timeout;
    this.delivery = delivery;
  }

  void bind(Calls calls, TaskScheduler scheduler, Clock clock) {
    this.bound = new Bound(calls, scheduler, clock);
  }

  boolean bound() {
    return bound != null;
  }

  /** Queues a job, or drops and counts it when the queue is full. Never blocks, never throws. */
  void offer(ShadowJob job) {
    offered.incrementAndGet();
    if (!queue.offer(job)) {
      dropped.incrementAndGet();
      return;
    }
    drain();
  }

  private void drain() {
    Bound b = bound;
    if (b == null) {
      return;
    }
    while (!queue.isEmpty()) {
      int now = running.get();
      if (now >= maxConcurrent) {
        return;
      }
      if (!running.compareAndSet(now, now + 1)) {
        continue;
      }
      ShadowJob job = queue.poll();
      if (job == null) {
        running.decrementAndGet();
        continue;
      }
      try {
        var unused = b.scheduler().schedule(() -> start(b, job), Duration.ZERO);
      } catch (RuntimeException e) {
        // A closed scheduler: the job cannot run.
        dropped.incrementAndGet();
        running.decrementAndGet();
        return;
      }
    }
  }

  private void start(Bound b, ShadowJob job) {
    started.incrementAndGet();
    Instant at = b.clock().instant();
    job.startedAt = at;
    CompletableFuture<Completion> future;
    try {
      future = b.calls().start(job.request, job.context, job.attributes()).toCompletableFuture();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Completion> call = future;
    Cancellable timer = call.isDone() ? null : b.scheduler().schedule(() -> call.cancel(true), timeout);
    var unused = call.whenComplete((completion, error) -> {
      if (timer != null) {
        timer.cancel();
      }
      if (job.claim()) {
        Throwable failure = error == null ? null : Failures.unwrap(error);
        String id = completion != null ? completion.callId() : job.shadowCallId;
        delivery.deliver(
            job.pair(id == null ? "" : id, completion == null ? null : completion.response(), failure, Duration.between(at, b.clock().instant())));
      }
      finished.incrementAndGet();
      running.decrementAndGet();
      drain();
    });
  }

  long offered() {
    return offered.get();
  }

  long dropped() {
    return dropped.get();
  }

  long started() {
    return started.get();
  }

  long finished() {
    return finished.get();
  }

  int queued() {
    return queue.size();
  }

  int running() {
    return running.get();
  }
}
