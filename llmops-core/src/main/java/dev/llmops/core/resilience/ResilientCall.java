package dev.llmops.core.resilience;

import dev.llmops.api.CallMode;
import dev.llmops.api.Cancellable;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Interceptor;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.StreamInterruptedException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One call inside the resilience step: the attempt loop over the requested endpoint and its
 * fallbacks, and the result the step returns. Its parts each have one concern: an {@link
 * AttemptRun} is one attempt and returns its breaker and bulkhead permits once, {@link
 * RetryDecision} says what a failed attempt leads to, and the {@link CallTimer} is the call's one
 * pending task (the nearer of the deadline and the attempt timeout). Every way the call can end
 * sets {@code finished} once and cancels the timer. The mutable state of the call, its attempts
 * and its timer is guarded by this object's monitor.
 *
 * <p>The first attempt on an endpoint runs directly, without Failsafe: a call that succeeds at
 * once costs this object, its result, its timer object and one {@link AttemptRun}, nothing else
 * (the timer is scheduled only when an attempt or the call is still running once the model
 * returned its stage). Only when that attempt fails with something to retry does Failsafe take the
 * endpoint over, and its first execution replays that failure, so that Failsafe counts it and
 * schedules the wait exactly as if it had run it. With extra Failsafe policies configured every
 * attempt goes through Failsafe, so that they see each one.
 */
final class ResilientCall {
  final ResilienceInterceptor owner;
  final Resilience config;
  final Interceptor.Chain chain;
  final boolean streaming;
  final CallTimer timer;
  private final String primary;
  /** The stage the step returns. */
  private final CompletableFuture<ChatResponse> result = new CompletableFuture<>();

  // Guarded by this.
  @Nullable AttemptRun current;
  /** Whether a chunk reached the caller: no retry, no fallback, no attempt timeout from then on. */
  boolean delivered;
  private int chunksDelivered;
  private @Nullable StringBuilder partial;
  private int attemptsOnEndpoint;
  private int fallbackCursor;
  private @Nullable CompletableFuture<ChatResponse> failsafeFuture;
  private @Nullable AttemptFailure replay;
  volatile boolean finished;

  ResilientCall(ResilienceInterceptor owner, Interceptor.Chain chain, String primary) {
    this.owner = owner;
    this.config = owner.config;
    this.chain = chain;
    this.primary = primary;
    this.streaming = chain.call().mode() == CallMode.STREAM;
    this.timer = new CallTimer(this, owner.clock, owner.scheduler, config.deadline);
  }

  /** Starts the call and returns its result. */
  CompletionStage<ChatResponse> start() {
    runEndpoint(primary);
    if (timer.deadlineAt != CallTimer.NONE && !finished) {
      // Armed once the first attempt has returned its stage: an answer that needed no waiting
      // leaves no task behind. Models never block in execute, so the deadline loses no time.
      synchronized (this) {
        timer.arm();
      }
    }
    return result;
  }

  // ---- endpoints (the first attempt runs directly; Failsafe executes the retries) ----

  private void runEndpoint(String endpoint) {
    EndpointGuard guard = owner.guard(endpoint);
    if (!owner.direct) {
      synchronized (this) {
        attemptsOnEndpoint = 0;
      }
      runFailsafe(endpoint, guard, null);
      return;
    }
    AttemptRun run = new AttemptRun(this, endpoint, guard, false);
    synchronized (this) {
      if (finished) {
        return;
      }
      attemptsOnEndpoint = 1;
      run.number = 1;
      current = run;
      failsafeFuture = null; // a previous endpoint's, already over
    }
    run.launch();
  }

  /** The direct first attempt on an endpoint ended: done, retried through Failsafe, or given up. */
  void firstAttemptDone(AttemptRun run, @Nullable ChatResponse response, @Nullable AttemptFailure failure) {
    if (failure == null) {
      finish(response, null);
    } else if (failure.retryDelay() != null) {
      runFailsafe(run.endpoint, run.guard, failure);
    } else {
      endpointDone(run.endpoint, null, failure);
    }
  }

  /**
   * Hands the endpoint to Failsafe. With a {@code replay}, Failsafe's first execution is that
   * failure of the direct first attempt (not a new attempt), so the retry count and wait are
   * Failsafe's own.
   */
  private void runFailsafe(String endpoint, EndpointGuard guard, @Nullable AttemptFailure replay) {
    synchronized (this) {
      this.replay = replay;
    }
    CompletableFuture<ChatResponse> f =
        FailsafeScheduler.startInline(() -> owner.failsafe.getStageAsync(ctx -> attempt(endpoint, guard)));
    boolean cancel;
    synchronized (this) {
      failsafeFuture = f;
      cancel = finished;
    }
    if (cancel) {
      f.cancel(false);
    }
    var unused = f.whenComplete((response, error) -> endpointDone(endpoint, response, error));
  }

  private void endpointDone(String endpoint, @Nullable ChatResponse response, @Nullable Throwable error) {
    if (error == null) {
      finish(response, null);
      return;
    }
    Throwable e = unwrap(error);
    AttemptFailure af = e instanceof AttemptFailure a ? a : null;
    Throwable cause = af != null ? af.failure() : e;
    String next = null;
    synchronized (this) {
      if (finished) {
        return;
      }
      if (af != null && af.fallback() && !delivered && !timer.deadlinePassed()) {
        next = nextFallback(endpoint);
      }
    }
    if (next == null) {
      finish(null, cause);
      return;
    }
    Resilience.FallbackTaken taken = new Resilience.FallbackTaken(endpoint, next, Resilience.reason(cause));
    chain.call().attributes().put(Resilience.FALLBACK, taken);
    chain.publish(taken);
    runEndpoint(next);
  }

  private @Nullable String nextFallback(String failed) {
    List<String> fallbacks = config.fallbacks;
    while (fallbackCursor < fallbacks.size()) {
      String candidate = fallbacks.get(fallbackCursor++);
      if (!candidate.equals(primary) && !candidate.equals(failed)) {
        return candidate;
      }
    }
    return null;
  }

  /** One attempt on {@code endpoint}, as Failsafe runs it: a stage that always completes. */
  private CompletionStage<ChatResponse> attempt(String endpoint, EndpointGuard guard) {
    synchronized (this) {
      if (finished) {
        return CompletableFuture.failedFuture(
            new AttemptFailure(new CancellationException("call already ended"), null, false));
      }
      AttemptFailure first = replay;
      if (first != null) {
        replay = null;
        return CompletableFuture.failedFuture(first);
      }
    }
    AttemptRun run = new AttemptRun(this, endpoint, guard, true);
    CompletableFuture<ChatResponse> stage = Objects.requireNonNull(run.stage);
    synchronized (this) {
      if (finished) {
        return CompletableFuture.failedFuture(
            new AttemptFailure(new CancellationException("call already ended"), null, false));
      }
      run.number = ++attemptsOnEndpoint;
      current = run;
    }
    // Should Failsafe ever cancel the stage it waits on, the attempt still ends properly.
    var unused = stage.whenComplete((r, e) -> {
      if (e instanceof CancellationException) {
        run.end(null, e, true);
      }
    });
    run.launch();
    return stage;
  }

  // ---- what reached the caller of a stream ----

  /** A chunk of {@code run} arrived: passed on to the caller unless the attempt or call is over. */
  void chunk(AttemptRun run, ChatChunk chunk) {
    synchronized (this) {
      if (run.done || finished) {
        return;
      }
      delivered = true;
      chunksDelivered++;
      StringBuilder p = partial;
      if (p == null) {
        p = new StringBuilder();
        partial = p;
      }
      p.append(chunk.textDelta());
    }
    chain.chunks().onChunk(chunk);
  }

  /** The failure a stream that already delivered chunks ends with: never retried, with its partial text. */
  StreamInterruptedException interrupted(Throwable failure) {
    if (failure instanceof StreamInterruptedException s) {
      return s;
    }
    String text;
    int chunks;
    synchronized (this) {
      StringBuilder p = partial;
      text = p == null ? "" : p.toString();
      chunks = chunksDelivered;
    }
    ErrorDetails details = failure instanceof LlmException e ? e.details() : ErrorDetails.LOCAL;
    return new StreamInterruptedException(
        "stream interrupted by " + failure.getClass().getSimpleName() + " after " + chunks
            + " chunks reached the caller; not retried",
        details, text, null, chunks, Resilience.retryable(failure), failure);
  }

  // ---- ending the call ----

  private void finish(@Nullable ChatResponse response, @Nullable Throwable error) {
    Cancellable t;
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      owner.active.decrement();
      t = timer.take();
    }
    if (t != null) {
      t.cancel();
    }
    if (error == null && response != null) {
      result.complete(response);
    } else {
      result.completeExceptionally(error != null ? error : new IllegalStateException("no response"));
    }
  }

  /** The deadline passed: the attempt in flight is cancelled and the call fails. */
  void expire() {
    Ending ending = claimEnd();
    if (ending == null) {
      return;
    }
    AttemptRun r = ending.run;
    String endpoint = r != null ? r.endpoint : primary;
    LlmTimeoutException timeout =
        new LlmTimeoutException(
            "call deadline of " + config.deadline + " passed (last endpoint '" + endpoint + "')",
            ErrorDetails.of("llmops", endpoint));
    Throwable failure = ending.delivered ? interrupted(timeout) : timeout;
    release(ending, timeout, true);
    result.completeExceptionally(failure);
  }

  /** The call ended from outside the step (cancelled, or aborted): return permits, drop tasks. */
  void abandon(Throwable error) {
    Ending ending = claimEnd();
    if (ending == null) {
      return;
    }
    release(ending, new CancellationException("call ended: " + error.getClass().getSimpleName()), false);
    result.completeExceptionally(error);
  }

  /** Marks the call finished, once; null if it already was. */
  private synchronized @Nullable Ending claimEnd() {
    if (finished) {
      return null;
    }
    finished = true;
    owner.active.decrement();
    return new Ending(current, failsafeFuture, timer.take(), delivered);
  }

  /** Drops the timer, ends the attempt in flight with {@code cause}, drops a pending retry wait. */
  private static void release(Ending ending, Throwable cause, boolean cancelModel) {
    Cancellable t = ending.timer;
    if (t != null) {
      t.cancel();
    }
    AttemptRun r = ending.run;
    if (r != null) {
      r.end(null, cause, cancelModel);
    }
    CompletableFuture<ChatResponse> f = ending.failsafe;
    if (f != null) {
      f.cancel(false); // a retry wait still pending on the scheduler goes with it
    }
  }

  /** What a call had in hand when it ended. */
  private record Ending(
      @Nullable AttemptRun run,
      @Nullable CompletableFuture<ChatResponse> failsafe,
      @Nullable Cancellable timer,
      boolean delivered) {}

  /** The failure inside a {@link CompletionException}. */
  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
