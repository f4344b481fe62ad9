package dev.llmops.benchmarks;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The peers of the full-pipeline benchmark, each over a fake that answers the same fixed text with
 * the same usage as the llmops fake, at once.
 */
final class Peers {
  static final String ANSWER = "Paris is the capital of France.";

  private Peers() {}

  /** LangChain4j 1.19: a {@code ChatModel} fake with one {@code ChatModelListener}. */
  static final class LangChain4jFake implements dev.langchain4j.model.chat.ChatModel {
    final LongAdder seen = new LongAdder();
    private final List<ChatModelListener> listeners = List.of(new ChatModelListener() {
      @Override
      public void onRequest(ChatModelRequestContext requestContext) {
        seen.increment();
      }

      @Override
      public void onResponse(ChatModelResponseContext responseContext) {
        seen.add(responseContext.chatResponse().tokenUsage().totalTokenCount());
      }
    });

    @Override
    public dev.langchain4j.model.chat.response.ChatResponse doChat(
        dev.langchain4j.model.chat.request.ChatRequest request) {
      return dev.langchain4j.model.chat.response.ChatResponse.builder()
          .aiMessage(AiMessage.from(ANSWER))
          .id("fake-1")
          .modelName("fake-model")
          .tokenUsage(new TokenUsage(8, 8))
          .finishReason(FinishReason.STOP)
          .build();
    }

    @Override
    public List<ChatModelListener> listeners() {
      return listeners;
    }
  }

  /** Spring AI 2.0: a {@code ChatModel} fake. */
  static final class SpringAiFake implements org.springframework.ai.chat.model.ChatModel {
    @Override
    public ChatResponse call(Prompt prompt) {
      return new ChatResponse(
          List.of(new Generation(new AssistantMessage(ANSWER))),
          ChatResponseMetadata.builder().id("fake-1").model("fake-model").usage(new DefaultUsage(8, 8)).build());
    }
  }

  /** A Spring AI {@code ChatClient} over the fake, observed by a registry with a meter handler. */
  static ChatClient springAiClient() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    return ChatClient.builder(new SpringAiFake(), observations, null, null).build();
  }
}
