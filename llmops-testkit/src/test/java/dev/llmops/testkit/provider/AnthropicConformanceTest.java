package dev.llmops.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.OverloadedException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.anthropic.AnthropicChatModel;
import dev.llmops.testkit.ConformanceData;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.RecordedRequest;
import dev.llmops.testkit.server.ScriptedResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Parses every file of the Anthropic wire examples (recorded SDK exchanges, SDK SSE fixtures and
 * constructed examples) through {@link AnthropicChatModel}, served by the fake server as scripted
 * raw responses, and checks text, stop reason and normalised usage per file.
 */
class AnthropicConformanceTest {
  private static final String DIR = "anthropic-examples/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final ChatModel model = AnthropicChatModel.builder()
      .baseUrl(server.baseUrl()).apiKey(Secret.of("sk-ant-test-key")).model("claude-sonnet-4-5").build();

  @AfterEach
  void stop() {
    server.close();
  }

  private static String file(String name) throws IOException {
    return Files.readString(ConformanceData.file(DIR + name), StandardCharsets.UTF_8);
  }

  private ChatResponse blockingJson(String body) {
    server.enqueue(ScriptedResponse.raw(200, "application/json", body));
    return model.chat(ChatRequest.of("hi"));
  }

  private ChatResponse streamed(String sse, List<String> chunks) {
    server.enqueue(ScriptedResponse.raw(200, "text/event-stream; charset=utf-8", sse));
    return model.stream(ChatRequest.of("hi"), c -> chunks.add(c.textDelta())).join();
  }

  private static ScriptedResponse recorded(JsonNode response) {
    JsonNode body = response.get("body");
    String text = body.isTextual() ? body.asText() : body.toString();
    ScriptedResponse r = ScriptedResponse.raw(response.get("status_code").asInt(),
        response.get("headers").path("content-type").asText("application/json"), text);
    for (Map.Entry<String, JsonNode> h : response.get("headers").properties()) {
      if (!Set.of("content-type", "content-length", "connection").contains(h.getKey())) {
        r = r.withHeader(h.getKey(), h.getValue().asText());
      }
    }
    return r;
  }

  @Test
  void recordedNonStreamingMessage() throws IOException {
    JsonNode exchange = JSON.readTree(file("message-nonstreaming.recorded-exchange.json")).get(0);
    server.enqueue(recorded(exchange.get("response")));
    ChatResponse r = model.chat(ChatRequest.builder().user("Extract: I want to order 2 Green Tea at $5.50 each")
        .maxOutputTokens(1024).build());
    assertThat(r.text()).isEqualTo("{\"product_name\": \"Green Tea\", \"price\": 5.50, \"quantity\": 2}");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(249, 26, 0, 0, 0, false));
    assertThat(r.id()).isEqualTo("msg_01Egs18hRzhru3uGon3qesbA");
    assertThat(r.model()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(r.metadata()).containsEntry("finish_reason.raw", "end_turn");
  }

  @Test
  void recordedStreamAfterTwo429s() throws IOException {
    JsonNode exchanges = JSON.readTree(file("stream-after-two-429s.recorded-exchange.json"));
    for (JsonNode exchange : exchanges) {
      server.enqueue(recorded(exchange.get("response")));
    }
    JsonNode recordedRequest = exchanges.get(0).get("request").get("body");
    ChatRequest request = ChatRequest.builder()
        .user(recordedRequest.get("messages").get(0).get("content").asText())
        .maxOutputTokens(1024)
        .responseFormatJson(recordedRequest.get("output_config").get("format").toString())
        .build();
    // The adapter does not retry (the resilience step does): two typed 429s, then the stream.
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> ChatModel.join(model.stream(request, c -> {})))
          .isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.details().errorCode()).isEqualTo("rate_limit_error");
            assertThat(e.details().headers()).containsEntry("x-should-retry", "true");
            assertThat(e.getMessage()).doesNotContain("prompt bytes");
          });
    }
    List<String> chunks = new ArrayList<>();
    ChatResponse r = model.stream(request, c -> chunks.add(c.textDelta())).join();
    assertThat(r.text()).isEqualTo("[12345,67890]");
    assertThat(String.join("", chunks)).isEqualTo("[12345,67890]");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(135, 10, 0, 0, 0, false));
    // The body the adapter sent is the body the official SDK sent (model name aside).
    JsonNode sent = server.lastRequest().json();
    assertThat(sent).isEqualTo(recordedRequest);
    RecordedRequest last = server.lastRequest();
    assertThat(last.path()).isEqualTo("/v1/messages");
    assertThat(last.header("x-api-key")).isEqualTo("sk-ant-test-key");
    assertThat(last.header("anthropic-version")).isEqualTo("2023-06-01");
  }

  @Test
  void recordedRateLimitHeadersBecomeMetadata() throws IOException {
    JsonNode extract = JSON.readTree(file("ratelimit-headers.recorded-extract.json"));
    ScriptedResponse r = ScriptedResponse.raw(200, "application/json", file("message-cache-read.constructed.json"));
    for (Map.Entry<String, JsonNode> h : extract.get("headers").properties()) {
      if (h.getKey().startsWith("anthropic-")) {
        r = r.withHeader(h.getKey(), h.getValue().asText());
      }
    }
    server.enqueue(r);
    ChatResponse response = model.chat(ChatRequest.of("hi"));
    assertThat(response.metadata())
        .containsEntry("ratelimit.requests.limit", "50")
        .containsEntry("ratelimit.requests.remaining", "49")
        .containsEntry("ratelimit.input-tokens.reset", "2026-02-25T20:02:37Z")
        .containsEntry("ratelimit.output-tokens.limit", "8000")
        .containsEntry("ratelimit.tokens.remaining", "36000");
  }

  @Test
  void basicStreamFixture() throws IOException {
    List<String> chunks = new ArrayList<>();
    ChatResponse r = streamed(file("sse-basic.sdk-fixture.txt"), chunks);
    assertThat(r.text()).isEqualTo("Hello there!");
    assertThat(chunks).containsExactly("Hello", " there", "!", "");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(11, 6, 0, 0, 0, false));
  }

  @Test
  void toolUseStreamFixture() throws IOException {
    ChatResponse r = streamed(file("sse-tool-use.sdk-fixture.txt"), new ArrayList<>());
    assertThat(r.text()).isEqualTo("I'll check the current weather in Paris for you.");
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.usage()).isEqualTo(new Usage(377, 65, 0, 0, 0, false));
    assertThat(r.toolCalls()).singleElement().satisfies(call -> {
      assertThat(call.id()).isEqualTo("toolu_01NRLabsLyVHZPKxbKvkfSMn");
      assertThat(call.name()).isEqualTo("get_weather");
      assertThat(JSON.readTree(call.argumentsJson())).isEqualTo(JSON.readTree("{\"location\":\"Paris\"}"));
    });
  }

  @Test
  void cacheWriteIsPartOfInput() throws IOException {
    ChatResponse r = blockingJson(file("message-cache-write.constructed.json"));
    assertThat(r.text()).isEqualTo("The contract's termination clause requires 30 days' written notice.");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(50 + 2048, 17, 0, 2048, 0, false));
    assertThat(r.usage().uncachedInputTokens()).isEqualTo(50);
  }

  @Test
  void cacheReadIsPartOfInput() throws IOException {
    ChatResponse r = blockingJson(file("message-cache-read.constructed.json"));
    assertThat(r.text()).isEqualTo("Either party may terminate for material breach after a 15-day cure period.");
    assertThat(r.usage()).isEqualTo(new Usage(62 + 2048, 19, 2048, 0, 0, false));
  }

  @Test
  void cacheReadStream() throws IOException {
    List<String> chunks = new ArrayList<>();
    ChatResponse r = streamed(file("sse-cache-read.constructed.txt"), chunks);
    assertThat(r.text()).isEqualTo("Either party may terminate for material breach after a 15-day cure period.");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    // message_delta repeats the input side and carries the cumulative output: taken, not added.
    assertThat(r.usage()).isEqualTo(new Usage(62 + 2048, 19, 2048, 0, 0, false));
  }

  @Test
  void overloadedBody() throws IOException {
    server.enqueue(ScriptedResponse.raw(529, "application/json", file("error-529-overloaded.constructed.json")));
    assertThatThrownBy(() -> model.chat(ChatRequest.of("hi")))
        .isInstanceOfSatisfying(OverloadedException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.httpStatus()).isEqualTo(529);
          assertThat(e.details().errorCode()).isEqualTo("overloaded_error");
        });
  }

  @Test
  void overloadedHttpResponse() throws IOException {
    server.enqueue(HttpFixture.read(ConformanceData.file(DIR + "error-529-overloaded.constructed.http.txt")).response());
    assertThatThrownBy(() -> model.chat(ChatRequest.of("hi")))
        .isInstanceOfSatisfying(OverloadedException.class, e ->
            assertThat(e.details().headers()).containsEntry("request-id", "req_011EXAMPLEoverloaded000001"));
  }

  @Test
  void errorEventMidStreamCarriesThePartialTextAndUsage() throws IOException {
    List<String> chunks = new ArrayList<>();
    server.enqueue(ScriptedResponse.raw(200, "text/event-stream", file("sse-error-overloaded-midstream.constructed.txt")));
    assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("hi"), c -> chunks.add(c.textDelta()))))
        .isInstanceOfSatisfying(StreamInterruptedException.class, e -> {
          assertThat(e.partialText()).isEqualTo("Hello");
          assertThat(e.usageSoFar()).isEqualTo(new Usage(25, 1, 0, 0, 0, false));
          assertThat(e.chunksReceived()).isEqualTo(1);
          assertThat(e.details().errorCode()).isEqualTo("overloaded_error");
          assertThat(e.getCause()).isInstanceOf(OverloadedException.class);
          assertThat(e.retryable()).isTrue();
        });
    assertThat(chunks).containsExactly("Hello");
  }

  /** Fails when a file is added to the folder without a test above that asserts on it. */
  @Test
  void everyExampleFileIsCovered() throws IOException {
    Set<String> all = new TreeSet<>();
    try (Stream<Path> files = Files.list(ConformanceData.file(DIR))) {
      files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("README.md")).forEach(all::add);
    }
    assertThat(all).containsExactlyInAnyOrder(
        "message-nonstreaming.recorded-exchange.json",
        "stream-after-two-429s.recorded-exchange.json",
        "ratelimit-headers.recorded-extract.json",
        "sse-basic.sdk-fixture.txt",
        "sse-tool-use.sdk-fixture.txt",
        "message-cache-write.constructed.json",
        "message-cache-read.constructed.json",
        "sse-cache-read.constructed.txt",
        "error-529-overloaded.constructed.json",
        "error-529-overloaded.constructed.http.txt",
        "sse-error-overloaded-midstream.constructed.txt");
  }
}
