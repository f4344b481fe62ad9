package dev.llmops.core.pipeline;


import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallListener;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Interceptor;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.LlmException;
import dev.llmops.api.StreamHandler;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.redaction.RedactingLogger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.event.Level;

/**
 * The assembled pipeline: interceptors in their fixed order, then the model step, which resolves
 * the endpoint and runs one attempt. Immutable and thread-safe.
 */
public final class Pipeline {
  /** The logger of the calls' events. */
  static final String EVENTS_LOGGER = "llmops.events";

  private static final RedactingLogger EVENTS = RedactingLogger.of(EVENTS_LOGGER);

  private final Interceptor[] interceptors;
  private final Endpoints endpoints;
  private final ListenerDispatcher listeners;
  private final Clock clock;

  /**
   * Creates the pipeline.
   *
   * @param interceptors outermost first
   * @param endpoints the model endpoints
   */
  public Pipeline(List<Interceptor> interceptors, Endpoints endpoints, ListenerDispatcher listeners, Clock clock) {
    this.interceptors = interceptors.toArray(new Interceptor[0]);
    this.endpoints = endpoints;
    this.listeners = listeners;
    this.clock = clock;
  }

  /** The listeners of this pipeline's client. */
  public ListenerDispatcher listeners() {
    return listeners;
  }

  /** Starts a call; the returned future completes when the call ends. Never throws. */
  public RealCall start(
      ChatRequest request,
      CallContext context,
      CallMode mode,
      StreamHandler chunks,
      Map<AttributeKey<?>, Object> initialAttributes) {
    RealCall call = newCall(request, context, mode, chunks);
    if (!initialAttributes.isEmpty()) {
      initialAttributes.forEach((k, v) -> putUnchecked(call, k, v));
    }
    return start(call);
  }

  /**
   * A call not started yet, for the caller to put its initial attributes into (with {@link
   * RealCall#put}) before {@link #start(RealCall)}; spares a map of them per call.
   */
  public RealCall newCall(ChatRequest request, CallContext context, CallMode mode, StreamHandler chunks) {
    return new RealCall(this, mode, context, request, clock.instant(), chunks);
  }

  /** Starts a call made by {@link #newCall}, once; the returned call completes when it ends. Never throws. */
  public RealCall start(RealCall call) {
    ChatRequest request = call.originalRequest();
    StreamHandler chunks = call.chunks();
    listeners.callStart(call);
    CompletionStage<ChatResponse> stage = proceed(call, 0, request, chunks);
    CompletableFuture<ChatResponse> future = stage.toCompletableFuture();
    if (future.isDone()) {
      endNow(call, future);
    } else {
      var unused = future.whenComplete(call);
    }
    return call;
  }

  @SuppressWarnings("unchecked")
  private static <T> void putUnchecked(RealCall call, AttributeKey<T> key, Object value) {
    call.put(key, (T) value);
  }

  private static void endNow(RealCall call, CompletableFuture<ChatResponse> done) {
    ChatResponse response;
    try {
      response = done.join();
    } catch (RuntimeException e) {
      call.end(null, e);
      return;
    }
    call.end(response, null);
  }

  /** Runs the pipeline from interceptor {@code index} on. Never throws: failures become stages. */
  CompletionStage<ChatResponse> proceed(RealCall call, int index, ChatRequest request, StreamHandler chunks) {
    if (index >= interceptors.length) {
      return callModel(call, request, chunks);
    }
    Interceptor interceptor = interceptors[index];
    CompletionStage<ChatResponse> stage;
    try {
      stage = interceptor.intercept(RealChain.of(call, index + 1, request, chunks));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("interceptor " + interceptor.getClass().getName() + " returned null"));
    }
    return stage;
  }

  /** The model step: resolve the endpoint, run one attempt, report it. */
  private CompletionStage<ChatResponse> callModel(RealCall call, ChatRequest request, StreamHandler chunks) {
    if (call.cancelled()) {
      return CompletableFuture.failedFuture(new CancellationException("call " + call.callId() + " was cancelled"));
    }
    String name = endpoints.name(request.model());
    Endpoints.Endpoint endpoint = endpoints.get(name);
    if (endpoint == null) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              "unknown model endpoint '" + name + "'; this client has " + endpoints.names(),
              LlmException.ErrorDetails.of("llmops", name)));
    }
    if (request.messages().isEmpty()) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              "request for model endpoint '" + name + "' has no messages",
              LlmException.ErrorDetails.of("llmops", name)));
    }
    ChatModel model = endpoint.model();
    RealAttempt attempt =
        call.newAttempt(name, endpoint.info(), request, listeners.isEmpty() ? null : clock.instant(), chunks);
    listeners.attemptStart(attempt);
    CallListener.Scope scope = listeners.attemptScope(attempt);
    CompletableFuture<ChatResponse> future;
    try {
      CompletionStage<ChatResponse> stage = model.execute(request, attempt);
      future = stage == null
          ? CompletableFuture.failedFuture(new IllegalStateException("model endpoint '" + name + "' returned null"))
          : stage.toCompletableFuture();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    } finally {
      listeners.close(scope);
    }
    if (future.isDone() && !future.isCompletedExceptionally() && !call.cancelled()) {
      // Fast path for an answer that needed no waiting: no extra stage.
      attempt.finish(future.join(), null);
      return future;
    }
    return future.handle(attempt);
  }

  /** The model endpoints. */
  public Endpoints endpoints() {
    return endpoints;
  }

  /** How many times a listener threw. */
  public long listenerFailures() {
    return listeners.failures();
  }

  /**
   * Publishes an event for a call, and logs it at DEBUG on {@value #EVENTS_LOGGER} (retries,
   * fallbacks, budget warnings, exposures), with the call's MDC.
   */
  void publish(RealCall call, dev.llmops.api.CallEvent event) {
    if (EVENTS.isEnabled(Level.DEBUG)) {
      EVENTS.log(call, Level.DEBUG, "call {}: {} {}", call.callId(), event.name(), event);
    }
    listeners.onEvent(call, event);
  }
}
