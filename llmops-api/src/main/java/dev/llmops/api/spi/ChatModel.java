package dev.llmops.api.spi;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.LlmException;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.StreamHandler;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A chat model: a provider adapter (OpenAI-compatible, Anthropic) or a test fake. The one method to
 * implement, {@link #execute}, serves blocking, asynchronous and streaming use; the defaults
 * derive the rest.
 *
 * <h2>Contract for implementations</h2>
 *
 * <ul>
 *   <li>Never block the calling thread on I/O or time: return a stage that completes later (use
 *       {@code HttpClient.sendAsync} or a scheduler). A stage that is already complete is fine
 *       when the answer needs no waiting.
 *   <li>When {@link ModelExchange#streaming()}, {@link ModelExchange#emit emit} each chunk in
 *       order, then complete the stage with the aggregate response (full text, finish reason,
 *       usage). A stream that ends early completes the stage with a {@link
 *       dev.llmops.api.StreamInterruptedException} carrying the partial text and usage so far.
 *   <li>Fail with the typed {@link LlmException} subclasses; normalise usage as {@link
 *       dev.llmops.api.Usage} defines it.
 *   <li>Register a cancel action with {@link ModelExchange#onCancel} that releases what the
 *       attempt holds. After cancellation the stage need not complete.
 *   <li>Be thread-safe: one instance serves all calls.
 * </ul>
 */
public interface ChatModel {

  /**
   * Sends one request.
   *
   * @param request the request; its {@code model} field names the client's endpoint and is ignored
   * @param exchange whether to stream, where chunks go, cancellation
   * @return the response, or a stage failed with an {@link LlmException}
   */
  CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange);

  /** What this model says about itself; by default an unknown provider and model. */
  default ModelInfo info() {
    return ModelInfo.of("unknown", "unknown");
  }

  /**
   * Sends one request outside any client pipeline and waits for the response.
   *
   * @throws LlmException the model's failure, unwrapped
   */
  default ChatResponse chat(ChatRequest request) {
    return join(execute(request, ModelExchange.unary()));
  }

  /** Sends one request outside any client pipeline. */
  default CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
    return execute(request, ModelExchange.unary()).toCompletableFuture();
  }

  /**
   * Streams one request outside any client pipeline, delivering chunks to {@code handler}.
   *
   * @return the aggregate response once the stream ends
   */
  default CompletableFuture<ChatResponse> stream(ChatRequest request, StreamHandler handler) {
    return execute(request, ModelExchange.streaming(handler)).toCompletableFuture();
  }

  /**
   * Waits for {@code stage} and returns its value, rethrowing an unchecked failure as itself
   * rather than wrapped in a {@link CompletionException}.
   */
  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
