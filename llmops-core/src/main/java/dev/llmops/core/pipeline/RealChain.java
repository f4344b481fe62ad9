package dev.llmops.core.pipeline;

import dev.llmops.api.CallEvent;
import dev.llmops.api.CallInfo;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Interceptor;
import dev.llmops.api.StreamHandler;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The chain one interceptor sees: the request it got, and the rest of the pipeline. One is made per
 * step and call, so it holds only what differs per step; the chunk handler is the call's unless an
 * earlier step passed its own ({@link Redirected}).
 */
sealed class RealChain implements Interceptor.Chain {
  private final RealCall call;
  private final int next;
  private final ChatRequest request;

  private RealChain(RealCall call, int next, ChatRequest request) {
    this.call = call;
    this.next = next;
    this.request = request;
  }

  /** The chain for interceptor {@code next - 1}, its chunks going to {@code chunks}. */
  static RealChain of(RealCall call, int next, ChatRequest request, StreamHandler chunks) {
    return chunks == call.chunks() ? new RealChain(call, next, request) : new Redirected(call, next, request, chunks);
  }

  /** A chain whose chunks go to a handler an earlier step passed. */
  static final class Redirected extends RealChain {
    private final StreamHandler chunks;

    Redirected(RealCall call, int next, ChatRequest request, StreamHandler chunks) {
      super(call, next, request);
      this.chunks = chunks;
    }

    @Override
    public StreamHandler chunks() {
      return chunks;
    }
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
    return call.chunks();
  }

  @Override
  public final CompletionStage<ChatResponse> proceed(ChatRequest request) {
    return call.pipeline().proceed(call, next, Objects.requireNonNull(request, "request"), chunks());
  }

  @Override
  public final CompletionStage<ChatResponse> proceed(ChatRequest request, StreamHandler chunks) {
    return call.pipeline().proceed(
        call, next, Objects.requireNonNull(request, "request"), Objects.requireNonNull(chunks, "chunks"));
  }

  @Override
  public boolean cancelAttempt(Throwable cause) {
    return call.cancelCurrentAttempt(Objects.requireNonNull(cause, "cause"));
  }

  @Override
  public final void publish(CallEvent event) {
    call.pipeline().publish(call, Objects.requireNonNull(event, "event"));
  }
}
