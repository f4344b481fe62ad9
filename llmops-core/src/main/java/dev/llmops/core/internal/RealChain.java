package dev.llmops.core.internal;

import dev.llmops.api.CallEvent;
import dev.llmops.api.CallInfo;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Interceptor;
import dev.llmops.api.StreamHandler;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** The chain one interceptor sees: the request it got, and the rest of the pipeline. */
final class RealChain implements Interceptor.Chain {
  private final Pipeline pipeline;
  private final RealCall call;
  private final int next;
  private final ChatRequest request;
  private final StreamHandler chunks;

  RealChain(Pipeline pipeline, RealCall call, int next, ChatRequest request, StreamHandler chunks) {
    this.pipeline = pipeline;
    this.call = call;
    this.next = next;
    this.request = request;
    this.chunks = chunks;
  }

  @Override
  public ChatRequest request() {
    return request;
  }

  @Override
  public CallInfo call() {
    return call;
  }

  @Override
  public StreamHandler chunks() {
    return chunks;
  }

  @Override
  public CompletionStage<ChatResponse> proceed(ChatRequest request) {
    return pipeline.proceed(call, next, Objects.requireNonNull(request, "request"), chunks);
  }

  @Override
  public CompletionStage<ChatResponse> proceed(ChatRequest request, StreamHandler chunks) {
    return pipeline.proceed(
        call, next, Objects.requireNonNull(request, "request"), Objects.requireNonNull(chunks, "chunks"));
  }

  @Override
  public boolean cancelAttempt(Throwable cause) {
    return call.cancelCurrentAttempt(Objects.requireNonNull(cause, "cause"));
  }

  @Override
  public void publish(CallEvent event) {
    pipeline.publish(call, Objects.requireNonNull(event, "event"));
  }
}
