package dev.llmops.core.resilience;

import dev.llmops.api.BulkheadFullException;
import dev.llmops.api.Cancellable;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.CircuitOpenException;
import dev.llmops.api.Interceptor;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.StreamHandler;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.core.pipeline.Stages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One call inside the resilience step: the endpoint being tried, the attempt in flight, the one
 * pending timer (the nearer of the call deadline and the attempt timeout), whether chunks reached
 * the caller. Every way an attempt can end goes through {@link #endRun}, which claims the attempt
 * once and returns its breaker and bulkhead permits; every way the call can end sets {@code
 * finished} once and cancels the timer.
 *
 * <p>This object is also the stage the step returns. The first attempt on an endpoint runs
 * directly, without Failsafe: a call that succeeds at once costs this object, one {@link Run} and
 * the entry in the step's map of calls, nothing else (the timer is armed only when an attempt or
 * the call is still running once the model returned its stage). Only when that attempt fails
 * with something to retry does Failsafe take the endpoint over, and its first execution replays
 * that failure, so that Failsafe counts it and schedules the wait exactly as if it had run it.
 * With extra Failsafe policies configured every attempt goes through Failsafe, so that they see
 * each one.
 */
final class CallState extends CompletableFuture<ChatResponse> implements Runnable {
  /** No deadline or timeout: later than any instant this class computes. */
  private static final long NONE = Long.MAX_VALUE;

  private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;

  private final ResilienceInterceptor owner;
  private final Resilience config;
  private final Interceptor.Chain chain;
  private final String primary;
  private final boolean streaming;
  // Instants are nanoseconds since the epoch on the client's clock; NONE for none.
  private final long deadlineAt;

  // Guarded by this.
  private @Nullable Run current;
  private int attemptsOnEndpoint;
  private int fallbackCursor;
  private @Nullable CompletableFuture<ChatResponse> failsafeFuture;
  private @Nullable AttemptFailure replay;
  private @Nullable Cancellable timer;
  private long timerDue = NONE;
  private boolean delivered;
  private int chunksDelivered;
  private @Nullable StringBuilder partial;
  private volatile boolean finished;

  CallState(ResilienceInterceptor owner, Interceptor.Chain chain, String primary) {
    this.owner = owner;
    this.config = owner.config;
    this.chain = chain;
    this.primary = primary;
    this.streaming = chain.call().mode() == CallMode.STREAM;
    Duration deadline = config.deadline;
    this.deadlineAt = deadline == null ? NONE : plus(now(owner.clock), deadline);
  }

  /** Starts the call; the returned stage is this object. */
  CompletionStage<ChatResponse> start() {
    runEndpoint(primary);
    if (deadlineAt != NONE && !finished) {
      // Armed once the first attempt has returned its stage: an answer that needed no waiting
      // leaves no task behind. Models never block in execute, so the deadline loses no time.
      synchronized (this) {
        armTimer();
      }
    }
    return this;
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
    Run run = new Run(this, endpoint, guard, false);
    synchronized (this) {
      if (finished) {
        return;
      }
      attemptsOnEndpoint = 1;
      run.number = 1;
      current = run;
      failsafeFuture = null; // a previous endpoint's, already over
    }
    launch(run);
  }

  /** The direct first attempt on an endpoint ended: done, retried through Failsafe, or given up. */
  private void firstAttemptDone(Run run, @Nullable ChatResponse response, @Nullable AttemptFailure failure) {
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
      if (af != null && af.fallback() && !delivered && !deadlinePassed()) {
        next = nextFallback(endpoint);
      }
    }
    if (next == null) {
      finish(null, cause);
      return;
    }
    FallbackTaken taken = new FallbackTaken(endpoint, next, Resilience.reason(cause));
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

  // ---- attempts ----

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
    Run run = new Run(this, endpoint, guard, true);
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
        endRun(run, null, e, true);
      }
    });
    launch(run);
    return stage;
  }

  /** Starts {@code run} once its endpoint's bulkhead (if any) gives it a slot. */
  private void launch(Run run) {
    EndpointGuard guard = run.guard;
    if (!guard.hasBulkhead()) {
      begin(run, false);
    } else if (guard.tryAcquireSlot()) {
      begin(run, true);
    } else {
      run.slotWait = guard.acquireSlot(() -> begin(run, true), () -> shed(run));
    }
  }

  private void shed(Run run) {
    endRun(
        run,
        null,
        new BulkheadFullException(
            "model endpoint '" + run.endpoint + "' has its maximum of concurrent calls and no slot freed within "
                + config.bulkheadMaxWait,
            ErrorDetails.of("llmops", run.endpoint)),
        false);
  }

  private void begin(Run run, boolean holdsSlot) {
    boolean circuit = run.guard.tryAcquireCircuit();
    boolean abandoned;
    synchronized (this) {
      abandoned = run.done;
      if (!abandoned) {
        run.holdsSlot = holdsSlot;
        run.holdsCircuit = circuit;
        if (circuit) {
          run.started = true;
          Duration t = config.attemptTimeout;
          if (t != null) {
            run.timeoutAt = plus(now(), t);
          }
        }
      }
    }
    if (abandoned) {
      // The call ended while this attempt waited for its slot: give back what was just acquired.
      if (circuit) {
        run.guard.recordCircuit(new CancellationException("call ended"));
      }
      if (holdsSlot) {
        run.guard.releaseSlot();
      }
      return;
    }
    if (!circuit) {
      endRun(
          run,
          null,
          new CircuitOpenException(
              "the circuit breaker of model endpoint '" + run.endpoint + "' is open", ErrorDetails.of("llmops", run.endpoint)),
          false);
      return;
    }
    ChatRequest request = chain.request();
    if (!Objects.equals(owner.endpointName(request.model()), run.endpoint)) {
      request = request.withModel(run.endpoint);
    }
    CompletionStage<ChatResponse> stage;
    try {
      stage = streaming ? chain.proceed(request, run) : chain.proceed(request);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<ChatResponse> done = Stages.completedNow(stage);
    if (done != null && !done.isCompletedExceptionally()) {
      endRun(run, done.getNow(null), null, false); // an answer that needed no waiting: no extra stage
      return;
    }
    var unused = stage.whenComplete(run);
    if (config.attemptTimeout != null) {
      // Armed once the model returned its stage (models never block in execute), so an attempt
      // that is already over leaves no task behind; the timeout still counts from its start.
      synchronized (this) {
        armTimer();
      }
    }
  }

  private void onChunk(Run run, ChatChunk chunk) {
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

  /**
   * Ends an attempt, once: returns its permits, cancels the model's attempt if asked (a timeout),
   * and completes the stage Failsafe waits on, classified for retry and fallback.
   */
  private void endRun(Run run, @Nullable ChatResponse response, @Nullable Throwable error, boolean cancelModel) {
    boolean slot;
    boolean circuit;
    boolean deliveredNow;
    synchronized (this) {
      if (run.done) {
        return;
      }
      run.done = true;
      slot = run.holdsSlot;
      circuit = run.holdsCircuit;
      run.holdsSlot = false;
      run.holdsCircuit = false;
      deliveredNow = delivered;
    }
    Throwable failure = error == null ? null : unwrap(error);
    if (failure == null && response == null) {
      failure = new IllegalStateException("model endpoint '" + run.endpoint + "' completed with no response");
    }
    if (cancelModel && run.started && failure != null) {
      chain.cancelAttempt(failure);
    }
    if (circuit) {
      run.guard.recordCircuit(failure);
    }
    if (slot) {
      run.guard.releaseSlot();
    }
    Cancellable waiting = run.slotWait;
    if (waiting != null) {
      waiting.cancel();
    }
    AttemptFailure classified = failure == null ? null : classify(run, failure, deliveredNow);
    CompletableFuture<ChatResponse> stage = run.stage;
    if (stage == null) {
      firstAttemptDone(run, response, classified);
    } else if (classified == null) {
      stage.complete(response);
    } else {
      stage.completeExceptionally(classified);
    }
  }

  /** Decides what a failed attempt leads to: a retry after a wait, a fallback, or the end. */
  private AttemptFailure classify(Run run, Throwable failure, boolean deliveredNow) {
    if (finished || failure instanceof CancellationException || chain.call().cancelled()) {
      return new AttemptFailure(failure, null, false);
    }
    if (deliveredNow) {
      return new AttemptFailure(interrupted(failure), null, false);
    }
    boolean fallback = config.fallbackWhen.test(failure);
    if (!Resilience.retryable(failure) || run.number >= config.maxAttempts) {
      return new AttemptFailure(failure, null, fallback);
    }
    Duration retryAfter = failure instanceof LlmException e ? e.retryAfter() : null;
    Duration maxRetryAfter = config.maxRetryAfter;
    Duration wait;
    boolean honoured = false;
    if (retryAfter != null && maxRetryAfter != null) {
      honoured = true;
      if (retryAfter.compareTo(maxRetryAfter) > 0) {
        return new AttemptFailure(failure, null, fallback); // longer than we may wait: give the endpoint up
      }
      wait = retryAfter;
    } else {
      wait = config.backoff(run.number);
    }
    if (deadlineAt != NONE && plus(now(), wait) >= deadlineAt) {
      return new AttemptFailure(failure, null, fallback); // the wait would pass the deadline: fail fast
    }
    chain.publish(new RetryScheduled(run.endpoint, run.number, wait, Resilience.reason(failure), honoured));
    return new AttemptFailure(failure, wait, fallback);
  }

  private StreamInterruptedException interrupted(Throwable failure) {
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

  // ---- the one timer: call deadline or attempt timeout, whichever is nearer ----

  /** Schedules the timer for the nearer of the deadline and the current attempt's timeout. Holds this. */
  private void armTimer() {
    long due = deadlineAt;
    Run r = current;
    if (r != null && !r.done && !delivered && r.timeoutAt < due) {
      due = r.timeoutAt;
    }
    if (due == timerDue) {
      return;
    }
    Cancellable old = timer;
    if (old != null) {
      old.cancel();
    }
    timer = null;
    timerDue = NONE;
    if (due == NONE || finished) {
      return;
    }
    timer = owner.scheduler.schedule(this, Duration.ofNanos(Math.max(0L, due - now())));
    timerDue = due;
  }

  /** The timer fired: the deadline passed, or the attempt in flight timed out (or neither yet). */
  @Override
  public void run() {
    long now = now();
    Run timedOut = null;
    boolean expired = false;
    synchronized (this) {
      timer = null;
      timerDue = NONE;
      if (finished) {
        return;
      }
      if (deadlinePassed(now)) {
        expired = true;
      } else {
        Run r = current;
        if (r != null && !r.done && !delivered && now >= r.timeoutAt) {
          timedOut = r;
        } else {
          armTimer();
        }
      }
    }
    if (expired) {
      expire();
    } else if (timedOut != null) {
      endRun(
          timedOut,
          null,
          new LlmTimeoutException(
              "attempt " + timedOut.number + " on model endpoint '" + timedOut.endpoint + "' took longer than the attempt timeout of "
                  + config.attemptTimeout,
              ErrorDetails.of("llmops", timedOut.endpoint)),
          true);
      synchronized (this) {
        armTimer();
      }
    }
  }

  private boolean deadlinePassed() {
    return deadlinePassed(now());
  }

  private boolean deadlinePassed(long now) {
    long d = deadlineAt;
    return d != NONE && now >= d;
  }

  private long now() {
    return now(owner.clock);
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
  private static long plus(long at, Duration d) {
    long n = d.toSeconds() >= MAX_SECONDS ? NONE : d.toNanos();
    long sum = at + n;
    return sum < at || sum >= NONE ? NONE - 1 : sum; // durations here are never negative
  }

  private void expire() {
    Ending ending = claimEnd();
    if (ending == null) {
      return;
    }
    Run r = ending.run;
    String endpoint = r != null ? r.endpoint : primary;
    LlmTimeoutException timeout =
        new LlmTimeoutException(
            "call deadline of " + config.deadline + " passed (last endpoint '" + endpoint + "')",
            ErrorDetails.of("llmops", endpoint));
    Throwable failure = ending.delivered ? interrupted(timeout) : timeout;
    release(ending, timeout, true);
    completeExceptionally(failure);
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
      t = timer;
      timer = null;
      timerDue = NONE;
    }
    if (t != null) {
      t.cancel();
    }
    if (error == null && response != null) {
      complete(response);
    } else {
      completeExceptionally(error != null ? error : new IllegalStateException("no response"));
    }
  }

  /** The call ended from outside the step (cancelled, or aborted): return permits, drop tasks. */
  void abandon(Throwable error) {
    Ending ending = claimEnd();
    if (ending == null) {
      return;
    }
    release(ending, new CancellationException("call ended: " + error.getClass().getSimpleName()), false);
    completeExceptionally(error);
  }

  /** Marks the call finished, once; null if it already was. */
  private synchronized @Nullable Ending claimEnd() {
    if (finished) {
      return null;
    }
    finished = true;
    owner.active.decrement();
    Ending ending = new Ending(current, failsafeFuture, timer, delivered);
    timer = null;
    timerDue = NONE;
    return ending;
  }

  /** Drops the timer, ends the attempt in flight with {@code cause}, drops a pending retry wait. */
  private void release(Ending ending, Throwable cause, boolean cancelModel) {
    Cancellable t = ending.timer;
    if (t != null) {
      t.cancel();
    }
    Run r = ending.run;
    if (r != null) {
      endRun(r, null, cause, cancelModel);
    }
    CompletableFuture<ChatResponse> f = ending.failsafe;
    if (f != null) {
      f.cancel(false); // a retry wait still pending on the scheduler goes with it
    }
  }

  /** What a call had in hand when it ended. */
  private record Ending(
      @Nullable Run run, @Nullable CompletableFuture<ChatResponse> failsafe, @Nullable Cancellable timer, boolean delivered) {}

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * One attempt on one endpoint; also the completion of the model's stage and, when streaming,
   * the handler of its chunks, so an attempt costs no lambdas. Fields other than the finals are
   * guarded by the CallState.
   */
  private static final class Run implements BiConsumer<@Nullable ChatResponse, @Nullable Throwable>, StreamHandler {
    final CallState state;
    final String endpoint;
    final EndpointGuard guard;
    /** What Failsafe waits on; null for the direct first attempt on an endpoint. */
    final @Nullable CompletableFuture<ChatResponse> stage;
    int number;
    boolean done;
    boolean started;
    boolean holdsSlot;
    boolean holdsCircuit;
    long timeoutAt = NONE;
    volatile @Nullable Cancellable slotWait;

    Run(CallState state, String endpoint, EndpointGuard guard, boolean failsafe) {
      this.state = state;
      this.endpoint = endpoint;
      this.guard = guard;
      this.stage = failsafe ? new CompletableFuture<>() : null;
    }

    /** The model's stage completed. */
    @Override
    public void accept(@Nullable ChatResponse response, @Nullable Throwable error) {
      state.endRun(this, response, error, false);
    }

    @Override
    public void onChunk(ChatChunk chunk) {
      state.onChunk(this, chunk);
    }
  }
}
