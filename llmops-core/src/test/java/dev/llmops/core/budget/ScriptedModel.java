package dev.llmops.core.budget;

import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.LlmException;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A model for the budget tests of this module (which cannot use the testkit's fakes): it records
 * every request it is sent and answers {@code "four words of answer"} with the usage a test sets.
 * The last user message chooses a fault: {@code err...} fails with a 503, {@code hang...} never
 * answers (until cancelled), {@code cut...} streams two chunks and is cut. Thread-safe.
 */
final class ScriptedModel implements ChatModel {
  static final String ANSWER = "four words of answer";

  private final ModelInfo info;
  final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
  /** Five input tokens, four output tokens or the request's cap if lower (as a provider keeps to it). */
  private volatile Function<ChatRequest, Usage> usage = r -> {
    Integer cap = r.parameters().maxOutputTokens();
    return Usage.of(5, cap == null ? 4 : Math.min(4, cap));
  };
  private volatile Consumer<ChatRequest> onCall = r -> {};

  ScriptedModel(String provider, String modelId) {
    this.info = ModelInfo.of(provider, modelId);
  }

  /** Answers with the usage {@code usage} gives for each request. */
  ScriptedModel usage(Function<ChatRequest, Usage> usage) {
    this.usage = usage;
    return this;
  }

  /** Runs {@code action} when a request arrives, before answering. */
  ScriptedModel onCall(Consumer<ChatRequest> action) {
    this.onCall = action;
    return this;
  }

  /** The output cap of the last request sent, or null when it had none. */
  @Nullable Integer lastCap() {
    return requests.get(requests.size() - 1).parameters().maxOutputTokens();
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
    requests.add(request);
    onCall.accept(request);
    String prompt = request.lastUserMessage();
    LlmException.ErrorDetails details = LlmException.ErrorDetails.of(info.provider(), info.modelId());
    if (prompt.startsWith("err")) {
      return CompletableFuture.failedFuture(new ProviderUnavailableException("503 from the fake", details));
    }
    if (prompt.startsWith("hang")) {
      CompletableFuture<ChatResponse> never = new CompletableFuture<>();
      exchange.onCancel(() -> never.cancel(false));
      return never;
    }
    if (prompt.startsWith("cut") && exchange.streaming()) {
      exchange.emit(ChatChunk.text(0, "four "));
      exchange.emit(ChatChunk.text(1, "words "));
      return CompletableFuture.failedFuture(
          new StreamInterruptedException("cut by the fake", details, "four words ", null, 2, true, null));
    }
    if (exchange.streaming()) {
      List<String> words = List.of("four ", "words ", "of ", "answer");
      for (int i = 0; i < words.size(); i++) {
        exchange.emit(ChatChunk.text(i, words.get(i)));
      }
    }
    return CompletableFuture.completedFuture(
        ChatResponse.of("r-" + requests.size(), info.modelId(), ANSWER, FinishReason.STOP, usage.apply(request)));
  }
}
