package dev.llmops.core;

import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Small hand-written models for core's unit tests (the testkit's fakes depend on core). */
final class Models {
  private Models() {}

  static ChatResponse response(String text) {
    return ChatResponse.of("r-1", "test-model", text, FinishReason.STOP, Usage.of(3, 2));
  }

  /** Answers at once with {@code text}; streams it as one chunk per character. */
  static ChatModel echo(String text) {
    return (request, exchange) -> {
      if (exchange.streaming()) {
        for (int i = 0; i < text.length(); i++) {
          exchange.emit(ChatChunk.text(i, String.valueOf(text.charAt(i))));
        }
      }
      return CompletableFuture.completedFuture(response(text));
    };
  }

  /** A model whose answers a test completes by hand. */
  static final class Pending implements ChatModel {
    final List<CompletableFuture<ChatResponse>> futures = new CopyOnWriteArrayList<>();
    final List<ModelExchange> exchanges = new CopyOnWriteArrayList<>();
    final List<String> cancelled = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<ChatResponse> execute(dev.llmops.api.ChatRequest request, ModelExchange exchange) {
      CompletableFuture<ChatResponse> f = new CompletableFuture<>();
      futures.add(f);
      exchanges.add(exchange);
      exchange.onCancel(() -> cancelled.add("attempt-" + futures.size()));
      return f;
    }
  }
}
