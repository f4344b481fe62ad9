package dev.llmops.core.resilience;

import dev.llmops.api.BulkheadFullException;
import dev.llmops.api.Cancellable;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.CircuitOpenException;
import dev.llmops.api.Interceptor;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.StreamHandler;
import dev.llmops.core.pipeline.Stages;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of a call on one endpoint: it waits for the endpoint's bulkhead slot, takes the
 * breaker's permit, runs the rest of the pipeline, and ends exactly once through {@link #end},
 * which returns both permits on every path. It is also the completion of the model's stage and,
 * when streaming, the handler of its chunks, so an attempt costs no lambdas. Fields other than the
 * finals are guarded by the call's monitor.
 */
final class AttemptRun implements BiConsumer<@Nullable ChatResponse, @Nullable Throwable>, StreamHandler {
  final ResilientCall call;
  final String endpoint;
  final EndpointGuard guard;
  /** What Failsafe waits on; null for the direct first attempt on an endpoint. */
  final @Nullable CompletableFuture<ChatResponse> stage;

  int number;
  boolean done;
  boolean started;
  boolean holdsSlot;
  boolean holdsCircuit;
  /** When this attempt times out, in the call timer's nanoseconds; {@link CallTimer#NONE} for never. */
  long timeoutAt = CallTimer.NONE;
  volatile @Nullable Cancellable slotWait;

  AttemptRun(ResilientCall call, String endpoint, EndpointGuard guard, boolean failsafe) {
    this.call = call;
    this.endpoint = endpoint;
    this.guard = guard;
    this.stage = failsafe ? new CompletableFuture<>() : null;
  }

  /** Starts the attempt once its endpoint's bulkhead (if any) gives it a slot. */
  void launch() {
    if (!guard.hasBulkhead()) {
      begin(false);
    } else if (guard.tryAcquireSlot()) {
      begin(true);
    } else {
      slotWait = guard.acquireSlot(() -> begin(true), this::shed);
    }
  }

  private void shed() {
    end(
        null,
        new BulkheadFullException(
            "model endpoint '" + endpoint + "' has its maximum of concurrent calls and no slot freed within "
                + call.config.bulkheadMaxWait,
            ErrorDetails.of("llmops", endpoint)),
        false);
  }

  private void begin(boolean slot) {
    boolean circuit = guard.tryAcquireCircuit();
    boolean abandoned;
    synchronized (call) {
      abandoned = done;
      if (!abandoned) {
        holdsSlot = slot;
        holdsCircuit = circuit;
        if (circuit) {
          started = true;
          Duration t = call.config.attemptTimeout;
          if (t != null) {
            timeoutAt = CallTimer.plus(call.timer.now(), t);
          }
        }
      }
    }
    if (abandoned) {
      // The call ended while this attempt waited for its slot: give back what was just acquired.
      if (circuit) {
        guard.recordCircuit(new CancellationException("call ended"));
      }
      if (slot) {
        guard.releaseSlot();
      }
      return;
    }
    if (!circuit) {
      end(
          null,
          new CircuitOpenException(
              "the circuit breaker of model endpoint '" + endpoint + "' is open", ErrorDetails.of("llmops", endpoint)),
          false);
      return;
    }
    Interceptor.Chain chain = call.chain;
    ChatRequest request = chain.request();
    if (!Objects.equals(call.owner.endpointName(request.model()), endpoint)) {
      request = request.withModel(endpoint);
    }
    CompletionStage<ChatResponse> modelStage;
    try {
      modelStage = call.streaming ? chain.proceed(request, this) : chain.proceed(request);
    } catch (RuntimeException e) {
      modelStage = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<ChatResponse> answered = Stages.completedNow(modelStage);
    if (answered != null && !answered.isCompletedExceptionally()) {
      end(answered.getNow(null), null, false); // an answer that needed no waiting: no extra stage
      return;
    }
    var unused = modelStage.whenComplete(this);
    if (call.config.attemptTimeout != null) {
      // Armed once the model returned its stage (models never block in execute), so an attempt
      // that is already over leaves no task behind; the timeout still counts from its start.
      synchronized (call) {
        call.timer.arm();
      }
    }
  }

  /**
   * Ends this attempt, once: returns its permits, cancels the model's attempt if asked (a
   * timeout), and hands the outcome, classified for retry and fallback, to the call.
   */
  void end(@Nullable ChatResponse response, @Nullable Throwable error, boolean cancelModel) {
    boolean slot;
    boolean circuit;
    boolean deliveredNow;
    synchronized (call) {
      if (done) {
        return;
      }
      done = true;
      slot = holdsSlot;
      circuit = holdsCircuit;
      holdsSlot = false;
      holdsCircuit = false;
      deliveredNow = call.delivered;
    }
    Throwable failure = error == null ? null : ResilientCall.unwrap(error);
    if (failure == null && response == null) {
      failure = new IllegalStateException("model endpoint '" + endpoint + "' completed with no response");
    }
    if (cancelModel && started && failure != null) {
      call.chain.cancelAttempt(failure);
    }
    if (circuit) {
      guard.recordCircuit(failure);
    }
    if (slot) {
      guard.releaseSlot();
    }
    Cancellable waiting = slotWait;
    if (waiting != null) {
      waiting.cancel();
    }
    AttemptFailure classified = failure == null ? null : RetryDecision.classify(call, this, failure, deliveredNow);
    CompletableFuture<ChatResponse> failsafeStage = stage;
    if (failsafeStage == null) {
      call.firstAttemptDone(this, response, classified);
    } else if (classified == null) {
      failsafeStage.complete(response);
    } else {
      failsafeStage.completeExceptionally(classified);
    }
  }

  /** The model's stage completed. */
  @Override
  public void accept(@Nullable ChatResponse response, @Nullable Throwable error) {
    end(response, error, false);
  }

  @Override
  public void onChunk(ChatChunk chunk) {
    call.chunk(this, chunk);
  }
}
