package dev.llmops.core.resilience;

import dev.llmops.api.Cancellable;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.time.TaskScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The one pending task of a call: the nearer of the call's deadline and the attempt timeout of
 * the attempt in flight. When it fires it expires the call or times the attempt out, or re-arms
 * itself for what is still ahead. Its fields are guarded by the call's monitor, like the rest of
 * the call's state. Instants are nanoseconds since the epoch on the client's clock, {@link #NONE}
 * for none.
 */
final class CallTimer implements Runnable {
  /** No deadline or timeout: later than any instant this class computes. */
  static final long NONE = Long.MAX_VALUE;

  private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;

  private final ResilientCall call;
  private final Clock clock;
  private final TaskScheduler scheduler;
  /** The call's deadline; {@link #NONE} for none. */
  final long deadlineAt;

  // Guarded by call.
  private @Nullable Cancellable pending;
  private long pendingDue = NONE;

  CallTimer(ResilientCall call, Clock clock, TaskScheduler scheduler, @Nullable Duration deadline) {
    this.call = call;
    this.clock = clock;
    this.scheduler = scheduler;
    this.deadlineAt = deadline == null ? NONE : plus(now(clock), deadline);
  }

  /**
   * Schedules the task for the nearer of the deadline and the current attempt's timeout (an
   * attempt whose chunks reached the caller has no timeout left), replacing a task due at another
   * time. Holds the call's monitor.
   */
  void arm() {
    long due = deadlineAt;
    AttemptRun r = call.current;
    if (r != null && !r.done && !call.delivered && r.timeoutAt < due) {
      due = r.timeoutAt;
    }
    if (due == pendingDue) {
      return;
    }
    Cancellable old = pending;
    if (old != null) {
      old.cancel();
    }
    pending = null;
    pendingDue = NONE;
    if (due == NONE || call.finished) {
      return;
    }
    pending = scheduler.schedule(this, Duration.ofNanos(Math.max(0L, due - now())));
    pendingDue = due;
  }

  /** Forgets the pending task and returns it, for the caller to cancel. Holds the call's monitor. */
  @Nullable Cancellable take() {
    Cancellable t = pending;
    pending = null;
    pendingDue = NONE;
    return t;
  }

  /** The task fired: the deadline passed, or the attempt in flight timed out (or neither yet). */
  @Override
  public void run() {
    long now = now();
    AttemptRun timedOut = null;
    boolean expired = false;
    synchronized (call) {
      pending = null;
      pendingDue = NONE;
      if (call.finished) {
        return;
      }
      if (deadlinePassed(now)) {
        expired = true;
      } else {
        AttemptRun r = call.current;
        if (r != null && !r.done && !call.delivered && now >= r.timeoutAt) {
          timedOut = r;
        } else {
          arm();
        }
      }
    }
    if (expired) {
      call.expire();
    } else if (timedOut != null) {
      timedOut.end(
          null,
          new LlmTimeoutException(
              "attempt " + timedOut.number + " on model endpoint '" + timedOut.endpoint
                  + "' took longer than the attempt timeout of " + call.config.attemptTimeout,
              ErrorDetails.of("llmops", timedOut.endpoint)),
          true);
      synchronized (call) {
        arm();
      }
    }
  }

  /** Whether the call has a deadline and it has passed. */
  boolean deadlinePassed() {
    return deadlinePassed(now());
  }

  private boolean deadlinePassed(long now) {
    long d = deadlineAt;
    return d != NONE && now >= d;
  }

  /** The client's time, in nanoseconds since the epoch. */
  long now() {
    return now(clock);
  }

  /** The clock's time in nanoseconds since the epoch. */
  private static long now(Clock clock) {
    Instant t = clock.instant();
    long seconds = t.getEpochSecond();
    if (seconds >= MAX_SECONDS) {
      return NONE - 1;
    }
    if (seconds <= -MAX_SECONDS) {
      return -NONE;
    }
    return seconds * 1_000_000_000L + t.getNano();
  }

  /** {@code at} plus {@code d}, short of {@link #NONE} when it would go past it. */
  static long plus(long at, Duration d) {
    long n = d.toSeconds() >= MAX_SECONDS ? NONE : d.toNanos();
    long sum = at + n;
    return sum < at || sum >= NONE ? NONE - 1 : sum; // durations here are never negative
  }
}
