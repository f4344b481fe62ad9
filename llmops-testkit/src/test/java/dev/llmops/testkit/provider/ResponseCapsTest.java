package dev.llmops.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.MalformedResponseException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.provider.anthropic.AnthropicChatModel;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The size caps as the builders set them, on both adapters (they share the body readers). */
class ResponseCapsTest {
  private final FakeOpenAiServer server = FakeOpenAiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theOpenAiBuilderSetsBothCaps() {
    try (OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("m")
        .maxResponseBytes(8 * 1024).maxEventBytes(2 * 1024).build()) {
      server.enqueue(ScriptedResponse.reply("small").oversizedBody(5_000));
      assertThat(model.chat(ChatRequest.of("hi")).text()).endsWith("small");

      server.enqueue(ScriptedResponse.reply("big").oversizedBody(9_000));
      assertThatThrownBy(() -> model.chat(ChatRequest.of("hi")))
          .isInstanceOf(MalformedResponseException.class).hasMessageContaining("8192 (maxResponseBytes)");

      server.enqueue(ScriptedResponse.reply("streamed").oversizedBody(9_000));
      assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("hi"), chunk -> {})))
          .isInstanceOfSatisfying(StreamInterruptedException.class,
              e -> assertThat(e.details().errorCode()).isEqualTo("response_too_large"));

      server.enqueue(ScriptedResponse.reply("one event").oversizedEvent(1_500));
      assertThat(ChatModel.join(model.stream(ChatRequest.of("hi"), chunk -> {})).text()).endsWith("one event");

      server.enqueue(ScriptedResponse.reply("one event").oversizedEvent(2_100));
      assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("hi"), chunk -> {})))
          .isInstanceOfSatisfying(StreamInterruptedException.class, e -> {
            assertThat(e.details().errorCode()).isEqualTo("event_too_large");
            assertThat(e.getMessage()).contains("stream event 2 passed the cap of 2048 bytes (maxEventBytes)");
          });
    }
  }

  @Test
  void theAnthropicBuilderSetsTheEventCap() {
    String longText = "y".repeat(3_000);
    String sse = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":"
        + "{\"input_tokens\":1}}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + longText + "\"}}\n\n";
    try (AnthropicChatModel model = AnthropicChatModel.builder().baseUrl(server.baseUrl()).model("claude")
        .maxEventBytes(2 * 1024).build()) {
      server.enqueue(ScriptedResponse.raw(200, "text/event-stream", sse));
      assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("hi"), chunk -> {})))
          .isInstanceOfSatisfying(StreamInterruptedException.class, e -> {
            assertThat(e.details().errorCode()).isEqualTo("event_too_large");
            assertThat(e.getCause()).isInstanceOf(MalformedResponseException.class);
          });
    }
  }

  @Test
  void capsBelowOneKibibyteAreRefused() {
    assertThatThrownBy(() -> OpenAiChatModel.builder().maxResponseBytes(1023))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxResponseBytes must be >= 1024");
    assertThatThrownBy(() -> AnthropicChatModel.builder().maxEventBytes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEventBytes must be >= 1024");
  }
}
