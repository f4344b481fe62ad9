package dev.llmops.core.pipeline;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.StreamHandler;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Starts calls through a client's whole pipeline from inside it (shadow traffic does), once the
 * client is built. Thread-safe.
 */
public final class Calls {
  private volatile @Nullable Pipeline pipeline;

  /** Connects to the built pipeline; called once by the client builder. */
  public void bind(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  /**
   * Starts a call without waiting.
   *
   * @throws IllegalStateException if the client is not built yet
   */
  public CompletableFuture<Completion> start(
      ChatRequest request, CallContext context, Map<AttributeKey<?>, Object> attributes) {
    Pipeline p = pipeline;
    if (p == null) {
      throw new IllegalStateException("calls can start only once the client is built");
    }
    return p.start(request, context, CallMode.ASYNC, StreamHandler.IGNORE, attributes);
  }
}
