package dev.llmops.core.pipeline;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallAttributes;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.StreamHandler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One call: its identity and attributes, and the future the application waits on. Ending the call
 * (answer, failure, cancellation) happens exactly once and fires {@code callEnd} or {@code
 * callFailed} before the future completes, so a blocking caller sees its listeners' effects.
 *
 * <p>Cancelling the future (or completing it from outside, as {@code orTimeout} does) cancels the
 * attempt in flight: its cancel actions run and it is reported as failed.
 */
public final class RealCall extends CompletableFuture<Completion>
    implements CallInfo, CallAttributes, BiConsumer<@Nullable ChatResponse, @Nullable Throwable> {
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final AttributeSlots SLOTS = AttributeSlots.SHARED;
  private static final VarHandle ENDED;
  private static final VarHandle ATTRIBUTES;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      ENDED = lookup.findVarHandle(RealCall.class, "ended", boolean.class);
      ATTRIBUTES = lookup.findVarHandle(RealCall.class, "attributes", Object[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Pipeline pipeline;
  private final CallMode mode;
  private final CallContext context;
  private final ChatRequest originalRequest;
  private final Instant startedAt;
  private final StreamHandler chunks;

  private volatile @Nullable String callId;
  private volatile Object @Nullable [] attributes; // an AttributeSlots.SHARED table, made on first put
  private volatile boolean cancelled;
  private volatile boolean ended;
  private volatile int attempts;
  private volatile @Nullable RealAttempt currentAttempt;

  RealCall(
      Pipeline pipeline, CallMode mode, CallContext context, ChatRequest request, Instant startedAt, StreamHandler chunks) {
    this.pipeline = pipeline;
    this.mode = mode;
    this.context = context;
    this.originalRequest = request;
    this.startedAt = startedAt;
    this.chunks = chunks;
  }

  @Override
  public String callId() {
    String id = callId;
    if (id == null) {
      // Numbered on first use rather than at start: most calls never need their id as a string.
      synchronized (this) {
        id = callId;
        if (id == null) {
          id = "call-" + Long.toHexString(SEQUENCE.incrementAndGet());
          callId = id;
        }
      }
    }
    return id;
  }

  @Override
  public CallMode mode() {
    return mode;
  }

  @Override
  public CallContext context() {
    return context;
  }

  @Override
  public ChatRequest originalRequest() {
    return originalRequest;
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public CallAttributes attributes() {
    return this;
  }

  @Override
  public boolean cancelled() {
    return cancelled;
  }

  StreamHandler chunks() {
    return chunks;
  }

  Pipeline pipeline() {
    return pipeline;
  }

  /** How many attempts were started so far. */
  public int attempts() {
    return attempts;
  }

  RealAttempt newAttempt(
      String endpoint, dev.llmops.api.ModelInfo info, ChatRequest request, @Nullable Instant now, StreamHandler downstream) {
    // Attempts of one call are sequential: each starts after the previous one's stage completed.
    int number = attempts + 1;
    attempts = number;
    RealAttempt attempt = new RealAttempt(this, number, endpoint, info, request, now, downstream, pipeline.listeners());
    currentAttempt = attempt;
    return attempt;
  }

  // ---- CallAttributes ----

  @Override
  public <T> Optional<T> get(AttributeKey<T> key) {
    return Optional.ofNullable(getOrNull(key));
  }

  @Override
  public <T> @Nullable T getOrNull(AttributeKey<T> key) {
    Object[] table = attributes;
    return table == null ? null : key.type().cast(SLOTS.get(table, key));
  }

  @Override
  public <T> void put(AttributeKey<T> key, T value) {
    Object checked = key.type().cast(java.util.Objects.requireNonNull(value, "value"));
    Object[] table = attributes;
    if (table == null) {
      Object[] fresh = SLOTS.create();
      Object[] witness = (Object[]) ATTRIBUTES.compareAndExchange(this, (Object[]) null, fresh);
      table = witness == null ? fresh : witness;
    }
    SLOTS.put(table, key, checked);
  }

  @Override
  public Map<AttributeKey<?>, Object> snapshot() {
    return SLOTS.snapshot(attributes);
  }

  // ---- ending ----

  /** The pipeline's outcome. */
  @Override
  public void accept(@Nullable ChatResponse response, @Nullable Throwable error) {
    end(response, error);
  }

  void end(@Nullable ChatResponse response, @Nullable Throwable error) {
    if (!claimEnd()) {
      return;
    }
    if (error == null && response != null) {
      Fingerprint f = getOrNull(Fingerprint.KEY);
      if (f != null && !response.model().isEmpty()) {
        put(Fingerprint.KEY, f.withServed(response.model(), response.metadata().get(ChatResponse.SYSTEM_FINGERPRINT)));
      }
      RealAttempt last = currentAttempt;
      Completion completion = Completion.of(this, response, last == null ? "" : last.endpoint(), attempts);
      pipeline.listeners().callEnd(this, response);
      super.complete(completion);
    } else {
      Throwable failure =
          error == null ? new IllegalStateException("pipeline completed with no response") : Failures.unwrap(error);
      pipeline.listeners().callFailed(this, failure);
      super.completeExceptionally(failure);
    }
  }

  /** Ends the call with {@code failure}, cancelling the attempt in flight. */
  void abort(Throwable failure) {
    if (!claimEnd()) {
      return;
    }
    cancelled = true;
    RealAttempt attempt = currentAttempt;
    if (attempt != null) {
      attempt.cancel(failure);
    }
    pipeline.listeners().callFailed(this, failure);
    super.completeExceptionally(failure);
  }

  /** Cancels the attempt in flight, if any, leaving the call running (a per-attempt timeout). */
  boolean cancelCurrentAttempt(Throwable cause) {
    RealAttempt attempt = currentAttempt;
    return attempt != null && attempt.cancel(cause);
  }

  private boolean claimEnd() {
    return !ended && ENDED.compareAndSet(this, false, true);
  }

  /** Cancels the call: the attempt in flight is cancelled and reported, the call fails. */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (ended) {
      return false;
    }
    abort(new CancellationException("call " + callId() + " was cancelled"));
    return isCancelled();
  }

  /** Completing the future from outside ends the call as cancelled with this value. */
  @Override
  public boolean complete(Completion value) {
    if (ended) {
      return false;
    }
    abort(new CancellationException("call " + callId() + " was completed from outside"));
    return false;
  }

  /** Failing the future from outside (as {@code orTimeout} does) aborts the call with that failure. */
  @Override
  public boolean completeExceptionally(Throwable failure) {
    if (ended) {
      return false;
    }
    abort(failure);
    return true;
  }

  @Override
  public String toString() {
    return "RealCall[" + callId() + ", " + mode + (ended ? ", ended" : "") + "]";
  }
}
