package dev.llmops.core;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.StreamHandler;
import dev.llmops.core.internal.Failures;
import dev.llmops.core.internal.Pipeline;
import dev.llmops.core.internal.RealCall;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

/**
 * One call being set up: its request, context and initial attributes, then one of {@link #call()},
 * {@link #callAsync()} or {@link #stream}. Not thread-safe; use once.
 */
public final class CallBuilder {
  private final Pipeline pipeline;
  private final ChatRequest request;
  private CallContext context = CallContext.empty();
  private Map<AttributeKey<?>, Object> attributes = Map.of();

  CallBuilder(Pipeline pipeline, ChatRequest request) {
    this.pipeline = pipeline;
    this.request = Objects.requireNonNull(request, "request");
  }

  /** Sets who the call is made for. */
  public CallBuilder context(CallContext context) {
    this.context = Objects.requireNonNull(context, "context");
    return this;
  }

  /** Records an attribute before the pipeline starts (read by pipeline steps). */
  public <T> CallBuilder attribute(AttributeKey<T> key, T value) {
    if (attributes.isEmpty()) {
      attributes = new LinkedHashMap<>();
    }
    attributes.put(Objects.requireNonNull(key, "key"), key.type().cast(Objects.requireNonNull(value, "value")));
    return this;
  }

  /**
   * Makes the call and waits for it. If the waiting thread is interrupted the call is cancelled
   * and a {@link CancellationException} thrown, with the interrupt flag kept.
   *
   * @throws dev.llmops.api.LlmException the call's failure
   */
  public Completion call() {
    RealCall call = pipeline.start(request, context, CallMode.BLOCKING, StreamHandler.IGNORE, attributes);
    return await(call);
  }

  /** Makes the call without waiting; cancelling the future cancels the call. */
  public CompletableFuture<Completion> callAsync() {
    return pipeline.start(request, context, CallMode.ASYNC, StreamHandler.IGNORE, attributes);
  }

  /**
   * Streams the call: chunks go to {@code handler} in order as they arrive.
   *
   * @return the call in flight, to cancel it or wait for the aggregate
   */
  public StreamingCall stream(StreamHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return new StreamingCall(pipeline.start(request, context, CallMode.STREAM, handler, attributes));
  }

  /**
   * Streams the call as a {@link Flow.Publisher} of chunks for one subscriber. The call starts on
   * subscription; {@code cancel()} on the subscription cancels the call; a failure arrives as
   * {@code onError}. Chunks are pushed as the provider sends them: the publisher buffers what the
   * subscriber has not requested yet.
   */
  public Flow.Publisher<dev.llmops.api.ChatChunk> publisher() {
    return new ChunkPublisher(this);
  }

  static Completion await(CompletableFuture<Completion> call) {
    try {
      return call.get();
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      CancellationException ce = new CancellationException("interrupted while waiting for the call");
      ce.initCause(e);
      throw ce;
    } catch (ExecutionException e) {
      throw Failures.toUnchecked(e);
    }
  }
}
