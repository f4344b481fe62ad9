package dev.llmops.core.pipeline;

import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallInfo;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.StreamHandler;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.api.ModelInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * One attempt: the exchange handed to the model and the source of the attempt's listener events.
 * Its end is reported exactly once, whichever comes first: the model's answer or a cancellation.
 * All event delivery holds this object's monitor, so one attempt's events never run concurrently.
 */
final class RealAttempt
    implements AttemptInfo, ModelExchange, BiFunction<@Nullable ChatResponse, @Nullable Throwable, ChatResponse> {
  private static final RedactingLogger LOG = RedactingLogger.of(RealAttempt.class);

  private final RealCall call;
  private final int number;
  private final String endpoint;
  private final ModelInfo model;
  private final ChatRequest request;
  private final @Nullable Instant startedAt;
  private final StreamHandler chunks;
  private final ListenerDispatcher listeners;

  // Guarded by this.
  private boolean done;
  private int chunkCount;
  private volatile boolean cancelled; // this attempt alone was cancelled (the call may go on)
  private @Nullable Object cancelActions; // a Runnable, or a List<Runnable> when there are several

  RealAttempt(
      RealCall call,
      int number,
      String endpoint,
      ModelInfo model,
      ChatRequest request,
      @Nullable Instant startedAt,
      StreamHandler chunks,
      ListenerDispatcher listeners) {
    this.call = call;
    this.number = number;
    this.endpoint = endpoint;
    this.model = model;
    this.request = request;
    this.startedAt = startedAt;
    this.chunks = chunks;
    this.listeners = listeners;
  }

  @Override
  public CallInfo call() {
    return call;
  }

  @Override
  public int number() {
    return number;
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  @Override
  public ModelInfo model() {
    return model;
  }

  @Override
  public ChatRequest request() {
    return request;
  }

  /**
   * When the attempt started. The pipeline reads the clock for it only when the client has
   * listeners, the only ones who can see an attempt; without them this is the call's start.
   */
  @Override
  public Instant startedAt() {
    return startedAt != null ? startedAt : call.startedAt();
  }

  @Override
  public boolean streaming() {
    return call.mode() == dev.llmops.api.CallMode.STREAM;
  }

  @Override
  public void emit(ChatChunk chunk) {
    Throwable handlerFailure = null;
    synchronized (this) {
      if (done) {
        return;
      }
      if (chunkCount++ == 0) {
        listeners.firstChunk(this, chunk);
      }
      try {
        chunks.onChunk(chunk);
      } catch (RuntimeException e) {
        handlerFailure = e;
      }
    }
    if (handlerFailure != null) {
      // The application's handler threw: the call ends with that failure (documented on StreamHandler).
      call.abort(handlerFailure);
    }
  }

  @Override
  public void onCancel(Runnable action) {
    boolean runNow;
    synchronized (this) {
      runNow = done && cancelled();
      if (!runNow) {
        if (cancelActions == null) {
          cancelActions = action;
        } else if (cancelActions instanceof Runnable first) {
          List<Runnable> list = new ArrayList<>(2);
          list.add(first);
          list.add(action);
          cancelActions = list;
        } else {
          @SuppressWarnings("unchecked")
          List<Runnable> list = (List<Runnable>) cancelActions;
          list.add(action);
        }
      }
    }
    if (runNow) {
      runSafely(action);
    }
  }

  @Override
  public boolean cancelled() {
    return cancelled || call.cancelled();
  }

  /** Reports the model's answer; the first report (answer or cancellation) wins. */
  void finish(@Nullable ChatResponse response, @Nullable Throwable error) {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      cancelActions = null;
      if (error == null && response != null) {
        listeners.attemptEnd(this, response);
      } else {
        listeners.attemptFailed(this, error == null ? new IllegalStateException("no response") : Failures.unwrap(error));
      }
    }
  }

  /**
   * Cancels the attempt: runs its cancel actions and reports it failed with {@code cause}.
   *
   * @return false if the attempt had already ended
   */
  boolean cancel(Throwable cause) {
    Object actions;
    synchronized (this) {
      if (done) {
        return false;
      }
      done = true;
      cancelled = true;
      actions = cancelActions;
      cancelActions = null;
      listeners.attemptFailed(this, cause);
    }
    if (actions instanceof Runnable single) {
      runSafely(single);
    } else if (actions != null) {
      @SuppressWarnings("unchecked")
      List<Runnable> list = (List<Runnable>) actions;
      list.forEach(this::runSafely);
    }
    return true;
  }

  /** Completion of the model's stage: report the end, pass the outcome on. */
  @Override
  public ChatResponse apply(@Nullable ChatResponse response, @Nullable Throwable error) {
    finish(response, error);
    if (error != null) {
      throw error instanceof CompletionException ce ? ce : new CompletionException(error);
    }
    if (response == null) {
      throw new CompletionException(
          new IllegalStateException("model endpoint '" + endpoint + "' completed with no response"));
    }
    if (cancelled()) {
      throw new CancellationException(
          (cancelled ? "attempt " + number + " of " : "") + "call " + call.callId() + " was cancelled");
    }
    return response;
  }

  private void runSafely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.log(call, Level.WARN, "a cancel action threw; ignored", e);
    }
  }
}
