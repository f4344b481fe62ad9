package dev.llmops.core.resilience;

import dev.failsafe.Bulkhead;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerBuilder;
import dev.llmops.api.Cancellable;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.pipeline.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The circuit breaker and bulkhead of one model endpoint, both Failsafe's, used standalone so that
 * every permit is accounted on every path: success, failure, timeout and cancellation. Bulkhead
 * waiters queue here, without a thread, and are shed when their bounded wait runs out.
 *
 * <p>The breaker's open delay runs on the client's clock: Failsafe measures delays on the system's
 * monotonic clock, so its own delay is set out of reach, the time the breaker opened is noted on
 * the client's clock, and the first attempt after the policy's delay moves it to half-open. Tests
 * drive it with a test clock like every other time in the client. Thread-safe.
 */
final class EndpointGuard {
  private static final Cancellable NOTHING = () -> false;
  /** Failsafe's own open delay: never reached; the client's clock decides (see the class comment). */
  private static final Duration NEVER = Duration.ofDays(365L * 100);
  private static final long NOT_OPEN = Long.MIN_VALUE;

  private final @Nullable CircuitBreaker<ChatResponse> breaker;
  private final Clock clock;
  private final long openDelayMillis;
  /** When the breaker last opened, in the client clock's epoch milliseconds; {@link #NOT_OPEN} else. */
  private final AtomicLong openedAt = new AtomicLong(NOT_OPEN);
  private final @Nullable Bulkhead<ChatResponse> bulkhead;
  private final Duration maxWait;
  private final TaskScheduler scheduler;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>(); // guarded by this

  EndpointGuard(String endpoint, Resilience config, Clock clock, TaskScheduler scheduler) {
    this.scheduler = scheduler;
    this.clock = clock;
    CircuitBreakerPolicy p = config.circuitBreaker;
    if (p == null) {
      breaker = null;
      openDelayMillis = 0;
    } else {
      openDelayMillis = Durations.ceilMillis(p.openDelay());
      BiConsumer<String, Resilience.CircuitState> listener = config.circuitListener;
      CircuitBreakerBuilder<ChatResponse> b =
          CircuitBreaker.<ChatResponse>builder()
              .withFailureThreshold(p.failureThreshold(), p.window())
              .withSuccessThreshold(p.successThreshold())
              .withDelay(NEVER)
              .onOpen(e -> {
                openedAt.set(clock.millis());
                if (listener != null) {
                  listener.accept(endpoint, Resilience.CircuitState.OPEN);
                }
              });
      if (listener != null) {
        b.onHalfOpen(e -> listener.accept(endpoint, Resilience.CircuitState.HALF_OPEN))
            .onClose(e -> listener.accept(endpoint, Resilience.CircuitState.CLOSED));
      }
      breaker = b.build();
    }
    if (config.bulkheadMaxConcurrent > 0) {
      bulkhead = Bulkhead.<ChatResponse>of(config.bulkheadMaxConcurrent);
      maxWait = config.bulkheadMaxWait;
    } else {
      bulkhead = null;
      maxWait = Duration.ZERO;
    }
  }

  /** The breaker's state; {@link Resilience.CircuitState#CLOSED} when there is no breaker. */
  Resilience.CircuitState state() {
    CircuitBreaker<ChatResponse> b = breaker;
    if (b == null || b.isClosed()) {
      return Resilience.CircuitState.CLOSED;
    }
    return b.isOpen() ? Resilience.CircuitState.OPEN : Resilience.CircuitState.HALF_OPEN;
  }

  // ---- circuit breaker ----

  /**
   * Asks the breaker to let an attempt through; false when it is open (or its probes are taken).
   * An open breaker whose delay has passed on the client's clock turns half-open first.
   */
  boolean tryAcquireCircuit() {
    CircuitBreaker<ChatResponse> b = breaker;
    if (b == null) {
      return true;
    }
    if (b.isOpen()) {
      long at = openedAt.get();
      // One caller moves it: a second halfOpen() would hand out the probes again.
      if (at != NOT_OPEN && clock.millis() - at >= openDelayMillis && openedAt.compareAndSet(at, NOT_OPEN)) {
        b.halfOpen();
      }
    }
    return b.tryAcquirePermit();
  }

  /**
   * Records the outcome of an attempt the breaker let through, returning its permit. A cancelled
   * attempt says nothing about the endpoint: while closed it is not counted; while half-open its
   * probe permit is returned as a failure, so the breaker can never stay half-open waiting for it.
   */
  void recordCircuit(@Nullable Throwable failure) {
    CircuitBreaker<ChatResponse> b = breaker;
    if (b == null) {
      return;
    }
    if (failure == null) {
      b.recordSuccess();
    } else if (failure instanceof CancellationException) {
      if (b.isHalfOpen()) {
        b.recordFailure();
      }
    } else if (Resilience.endpointFailure(failure)) {
      b.recordFailure();
    } else {
      b.recordSuccess();
    }
  }

  // ---- bulkhead ----

  /**
   * Asks for a bulkhead slot: runs {@code granted} now or once a slot frees up, or {@code shed}
   * when none is free within the bounded wait.
   *
   * @return a handle that gives up waiting (false if the slot was already granted or shed)
   */
  Cancellable acquireSlot(Runnable granted, Runnable shed) {
    Bulkhead<ChatResponse> h = bulkhead;
    if (h == null) {
      granted.run();
      return NOTHING;
    }
    Waiter w = null;
    boolean now;
    synchronized (this) {
      now = h.tryAcquirePermit();
      if (!now && !maxWait.isZero()) {
        w = new Waiter(granted, shed);
        waiters.add(w);
        Waiter waiting = w;
        w.timer = scheduler.schedule(() -> timeout(waiting), maxWait);
      }
    }
    if (now) {
      granted.run();
      return NOTHING;
    }
    if (w == null) {
      shed.run();
      return NOTHING;
    }
    Waiter waiting = w;
    return () -> giveUp(waiting);
  }

  /**
   * Takes a free bulkhead slot if there is one, without queueing and without allocating; on
   * false, {@link #acquireSlot} queues. A slot freed in between is not lost: {@code acquireSlot}
   * tries again before it queues.
   */
  boolean tryAcquireSlot() {
    Bulkhead<ChatResponse> h = bulkhead;
    return h == null || h.tryAcquirePermit();
  }

  /** Returns a slot: straight to the longest waiter, or to the bulkhead. */
  void releaseSlot() {
    Bulkhead<ChatResponse> h = bulkhead;
    if (h == null) {
      return;
    }
    Waiter next;
    synchronized (this) {
      next = waiters.poll();
      if (next == null) {
        h.releasePermit();
        return;
      }
    }
    Cancellable t = next.timer;
    if (t != null) {
      t.cancel();
    }
    next.granted.run();
  }

  /** Whether this endpoint has a bulkhead. */
  boolean hasBulkhead() {
    return bulkhead != null;
  }

  private void timeout(Waiter w) {
    synchronized (this) {
      if (!waiters.remove(w)) {
        return;
      }
    }
    w.shed.run();
  }

  private boolean giveUp(Waiter w) {
    synchronized (this) {
      if (!waiters.remove(w)) {
        return false;
      }
    }
    Cancellable t = w.timer;
    if (t != null) {
      t.cancel();
    }
    return true;
  }

  private static final class Waiter {
    final Runnable granted;
    final Runnable shed;
    volatile @Nullable Cancellable timer;

    Waiter(Runnable granted, Runnable shed) {
      this.granted = granted;
      this.shed = shed;
    }
  }
}
