package dev.llmops.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.ConformanceData;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Parses every file of the OpenAI wire examples through {@link OpenAiChatModel}, served by the fake
 * server byte for byte, and checks text, finish reason and usage per file.
 */
class OpenAiConformanceTest {
  private static final String DIR = "openai-examples/";

  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final ChatModel model = OpenAiChatModel.builder()
      .baseUrl(server.baseUrl()).apiKey(Secret.of("sk-test-conformance")).model("gpt-4o-mini").build();

  @AfterEach
  void stop() {
    server.close();
  }

  private String file(String name) throws IOException {
    return Files.readString(ConformanceData.file(DIR + name), StandardCharsets.UTF_8);
  }

  private ChatResponse blocking(String name) throws IOException {
    server.enqueue(ScriptedResponse.raw(200, "application/json", file(name)));
    return model.chat(ChatRequest.of("hi"));
  }

  private ChatResponse streamed(String sseBody, List<String> chunks) {
    server.enqueue(ScriptedResponse.raw(200, "text/event-stream", sseBody));
    return model.stream(ChatRequest.of("hi"), c -> chunks.add(c.textDelta())).join();
  }

  @Test
  void defaultResponseExample() throws IOException {
    ChatResponse r = blocking("chat-completion-response.spec-example.json");
    assertThat(r.text()).isEqualTo("Hello! How can I assist you today?");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(19, 10, 0, 0, 0, false));
    assertThat(r.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
    assertThat(r.model()).isEqualTo("gpt-5.4");
    assertThat(r.metadata()).containsEntry("finish_reason.raw", "stop");
  }

  @Test
  void completionObjectExample() throws IOException {
    ChatResponse r = blocking("chat-completion-object.spec-example.json");
    assertThat(r.text()).startsWith("The image shows a wooden boardwalk").endsWith("visible in the background.");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(1117, 46, 0, 0, 0, false));
    assertThat(r.metadata()).containsEntry("system_fingerprint", "fp_fc9f1d7035");
  }

  @Test
  void toolCallsExample() throws IOException {
    ChatResponse r = blocking("chat-completion-tool-calls.spec-example.json");
    assertThat(r.text()).isEmpty();
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.usage()).isEqualTo(new Usage(82, 17, 0, 0, 0, false));
    assertThat(r.toolCalls()).singleElement().satisfies(call -> {
      assertThat(call.id()).isEqualTo("call_abc123");
      assertThat(call.name()).isEqualTo("get_current_weather");
      assertThat(call.argumentsJson()).isEqualTo("{\n\"location\": \"Boston, MA\"\n}");
    });
  }

  @Test
  void chunkObjectsExampleAsAStream() throws IOException {
    // The spec example separates chunk objects by blank lines and elides some with "....": served
    // as SSE, the parseable chunks, then [DONE]. It has no usage, so usage is a marked estimate.
    StringBuilder sse = new StringBuilder();
    for (String block : file("chat-completion-chunks.spec-example.txt").split("\n\n", -1)) {
      String chunk = block.trim();
      if (chunk.startsWith("{")) {
        sse.append("data: ").append(chunk).append("\n\n");
      }
    }
    sse.append("data: [DONE]\n\n");
    List<String> chunks = new ArrayList<>();
    ChatResponse r = streamed(sse.toString(), chunks);
    assertThat(r.text()).isEqualTo("Hello");
    assertThat(chunks).containsExactly("Hello", "");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage().estimated()).isTrue();
  }

  @Test
  void streamWithIncludeUsage() throws IOException {
    List<String> chunks = new ArrayList<>();
    ChatResponse r = streamed(file("chat-completion-stream-include-usage.constructed.sse"), chunks);
    assertThat(r.text()).isEqualTo("2");
    assertThat(String.join("", chunks)).isEqualTo("2");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(19, 1, 0, 0, 0, false));
  }

  @Test
  void streamWithCachedAndReasoningTokens() throws IOException {
    List<String> chunks = new ArrayList<>();
    ChatResponse r = streamed(file("chat-completion-stream-include-usage-cached.constructed.sse"), chunks);
    assertThat(r.text()).isEqualTo("Paris.");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    // cached_tokens is part of prompt_tokens, reasoning_tokens part of completion_tokens: no re-adding.
    assertThat(r.usage()).isEqualTo(new Usage(2048, 210, 1920, 0, 192, false));
    assertThat(r.usage().uncachedInputTokens()).isEqualTo(128);
  }

  @Test
  void streamCutBeforeTheUsageChunkIsInterruptedWithThePartialText() throws IOException {
    String sse = file("chat-completion-stream-include-usage.constructed.sse");
    String cut = sse.substring(0, sse.indexOf("data: {", sse.indexOf("\"content\":\"2\"")));
    server.enqueue(ScriptedResponse.raw(200, "text/event-stream", cut));
    assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("hi"), c -> {})))
        .isInstanceOfSatisfying(StreamInterruptedException.class, e -> {
          assertThat(e.partialText()).isEqualTo("2");
          assertThat(e.usageSoFar()).isNull();
          assertThat(e.details().errorCode()).isEqualTo("stream_incomplete");
        });
  }

  @Test
  void rateLimitedHttpResponse() throws IOException {
    server.enqueue(HttpFixture.read(ConformanceData.file(DIR + "error-429-rate-limit-exceeded.constructed.http.txt"))
        .response());
    assertThatThrownBy(() -> model.chat(ChatRequest.of("hi")))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.httpStatus()).isEqualTo(429);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
          assertThat(e.details().errorCode()).isEqualTo("rate_limit_exceeded");
          assertThat(e.details().headers())
              .containsEntry("x-ratelimit-remaining-requests", "0")
              .containsEntry("x-ratelimit-reset-tokens", "6m0s")
              .containsEntry("x-request-id", "req_0123456789abcdef0123456789abcdef");
          assertThat(e.getMessage()).doesNotContain("Rate limit reached").doesNotContain("sk-test");
        });
  }

  @Test
  void rateLimitedBody() throws IOException {
    server.enqueue(ScriptedResponse.raw(429, "application/json", file("error-429-rate-limit-exceeded.constructed.json")));
    assertThatThrownBy(() -> model.chat(ChatRequest.of("hi")))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> assertThat(e.retryAfter()).isNull());
  }

  @Test
  void insufficientQuotaIsNotRetryable() throws IOException {
    server.enqueue(ScriptedResponse.raw(429, "application/json", file("error-429-insufficient-quota.constructed.json")));
    assertThatThrownBy(() -> model.chat(ChatRequest.of("hi")))
        .isInstanceOfSatisfying(QuotaExhaustedException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.details().errorCode()).isEqualTo("insufficient_quota");
        });
  }

  /** Fails when a file is added to the folder without a test above that asserts on it. */
  @Test
  void everyExampleFileIsCovered() throws IOException {
    Set<String> all = new TreeSet<>();
    try (Stream<Path> files = Files.list(ConformanceData.file(DIR))) {
      files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("README.md")).forEach(all::add);
    }
    assertThat(all).containsExactlyInAnyOrderElementsOf(COVERED);
  }

  private static final Set<String> COVERED = Set.of(
      "chat-completion-response.spec-example.json",
      "chat-completion-object.spec-example.json",
      "chat-completion-tool-calls.spec-example.json",
      "chat-completion-chunks.spec-example.txt",
      "chat-completion-stream-include-usage.constructed.sse",
      "chat-completion-stream-include-usage-cached.constructed.sse",
      "error-429-rate-limit-exceeded.constructed.http.txt",
      "error-429-rate-limit-exceeded.constructed.json",
      "error-429-insufficient-quota.constructed.json");
}
