package dev.llmops.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.AuthenticationException;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.ToolCall;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.anthropic.AnthropicChatModel;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AnthropicChatModel} request shape, error mapping and stream completeness. */
class AnthropicChatModelTest {
  private static final String KEY = "sk-ant-api03-abcdefghijklmnop";
  private static final String MESSAGE = """
      {"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"ok"}],
       "stop_reason":"max_tokens","usage":{"input_tokens":3,"output_tokens":1}}""";

  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final ChatModel model = AnthropicChatModel.builder()
      .baseUrl(server.baseUrl()).apiKey(Secret.of(KEY)).model("claude-haiku-4-5").defaultMaxTokens(256)
      .beta("prompt-caching-2024-07-31").build();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void systemToolUseAndToolResultMessages() {
    server.enqueue(ScriptedResponse.raw(200, "application/json", MESSAGE));
    var r = model.chat(ChatRequest.builder()
        .system("Rule one.")
        .system("Rule two.")
        .user("Weather in Paris?")
        .message(new Message(Role.ASSISTANT, "Checking.", List.of(new ToolCall("toolu_1", "get_weather",
            "{\"city\":\"Paris\"}")), null))
        .message(Message.tool("toolu_1", "18C"))
        .temperature(0.5)
        .build());
    assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    JsonNode body = server.lastRequest().json();
    assertThat(body.get("system").asText()).isEqualTo("Rule one.\n\nRule two.");
    assertThat(body.get("max_tokens").asInt()).isEqualTo(256);
    assertThat(body.get("messages")).hasSize(3);
    JsonNode assistant = body.get("messages").get(1);
    assertThat(assistant.get("content").get(1).get("type").asText()).isEqualTo("tool_use");
    assertThat(assistant.get("content").get(1).get("input").get("city").asText()).isEqualTo("Paris");
    JsonNode result = body.get("messages").get(2);
    assertThat(result.get("role").asText()).isEqualTo("user");
    assertThat(result.get("content").get(0).get("tool_use_id").asText()).isEqualTo("toolu_1");
    assertThat(server.lastRequest().header("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31");
    assertThat(server.lastRequest().header("authorization")).isNull();
  }

  @Test
  void authenticationErrorNeverShowsTheKey() {
    server.enqueue(ScriptedResponse.raw(401, "application/json",
        "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key " + KEY + "\"}}"));
    assertThatThrownBy(() -> model.chat(ChatRequest.of("x")))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> {
          assertThat(e.details().errorCode()).isEqualTo("authentication_error");
          assertThat(e.getMessage()).doesNotContain(KEY);
        });
    assertThat(model.toString()).doesNotContain(KEY);
  }

  @Test
  void streamWithoutMessageStopIsInterrupted() {
    String sse = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_2","model":"claude-haiku-4-5","usage":{"input_tokens":4,"output_tokens":1}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Par"}}

        """;
    server.enqueue(ScriptedResponse.raw(200, "text/event-stream", sse));
    assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("x"), c -> {})))
        .isInstanceOfSatisfying(StreamInterruptedException.class, e -> {
          assertThat(e.partialText()).isEqualTo("Par");
          assertThat(e.usageSoFar()).isNotNull();
          assertThat(e.getMessage()).contains("message_stop");
        });
  }
}
