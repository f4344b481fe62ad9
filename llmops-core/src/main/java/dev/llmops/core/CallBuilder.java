package dev.llmops.core;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.StreamHandler;
import dev.llmops.core.pipeline.Failures;
import dev.llmops.core.pipeline.Pipeline;
import dev.llmops.core.pipeline.RealCall;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * One call being set up: its request, context and initial attributes, then one of {@link #call()},
 * {@link #callAsync()} or {@link #stream}. Not thread-safe; use once.
 */
public final class CallBuilder {
  private final Pipeline pipeline;
  private final ChatRequest request;
  private CallContext context = CallContext.empty();
  // The first attribute (usually the only one, such as the PromptRef) is kept in two fields; the
  // rest, rarely any, in a map made on demand.
  private @Nullable AttributeKey<?> firstKey;
  private @Nullable Object firstValue;
  private @Nullable Map<AttributeKey<?>, Object> more;

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
    Objects.requireNonNull(key, "key");
    Object checked = key.type().cast(Objects.requireNonNull(value, "value"));
    if (firstKey == null || firstKey.equals(key)) {
      firstKey = key;
      firstValue = checked;
    } else {
      Map<AttributeKey<?>, Object> m = more;
      if (m == null) {
        m = new LinkedHashMap<>();
        more = m;
      }
      m.put(key, checked);
    }
    return this;
  }

  /**
   * Makes the call and waits for it. If the waiting thread is interrupted the call is cancelled
   * and a {@link CancellationException} thrown, with the interrupt flag kept.
   *
   * @throws dev.llmops.api.LlmException the call's failure
   */
  public Completion call() {
    return await(start(CallMode.BLOCKING, StreamHandler.IGNORE));
  }

  /** Makes the call without waiting; cancelling the future cancels the call. */
  public CompletableFuture<Completion> callAsync() {
    return start(CallMode.ASYNC, StreamHandler.IGNORE);
  }

  /**
   * Streams the call: chunks go to {@code handler} in order as they arrive.
   *
   * @return the call in flight, to cancel it or wait for the aggregate
   */
  public StreamingCall stream(StreamHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return new StreamingCall(start(CallMode.STREAM, handler));
  }

  private RealCall start(CallMode mode, StreamHandler handler) {
    RealCall call = pipeline.newCall(request, context, mode, handler);
    AttributeKey<?> key = firstKey;
    if (key != null) {
      putUnchecked(call, key, Objects.requireNonNull(firstValue, "value"));
      Map<AttributeKey<?>, Object> m = more;
      if (m != null) {
        m.forEach((k, v) -> putUnchecked(call, k, v));
      }
    }
    return pipeline.start(call);
  }

  @SuppressWarnings("unchecked")
  private static <T> void putUnchecked(RealCall call, AttributeKey<T> key, Object value) {
    call.put(key, (T) value);
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
