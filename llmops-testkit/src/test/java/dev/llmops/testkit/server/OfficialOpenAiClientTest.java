package dev.llmops.testkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Proves the fake server realistic with a client nobody here wrote: the official {@code
 * com.openai:openai-java} client, blocking and streaming, validates and parses what it sends.
 */
class OfficialOpenAiClientTest {
  private final FakeChatModel fake = FakeChatModel.builder().modelId("gpt-4o-mini").build();
  private final FakeOpenAiServer server = FakeOpenAiServer.builder().model(fake).start();
  private final OpenAIClient client = OpenAIOkHttpClient.builder()
      .baseUrl(server.baseUrl()).apiKey("sk-test-official").maxRetries(0).build();

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private static ChatCompletionCreateParams params(boolean includeUsage) {
    ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini")
        .addSystemMessage("You are terse.")
        .addUserMessage("Say hello to the fake server")
        .maxCompletionTokens(64);
    if (includeUsage) {
      b.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
    }
    return b.build();
  }

  @Test
  void blockingCompletionFromAScriptedReply() {
    server.enqueue(ScriptedResponse.reply("Hello from the fake.").withUsage(new Usage(21, 5, 16, 0, 0, false)));
    ChatCompletion completion = client.chat().completions().create(params(false)).validate();
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().get(0).message().content()).hasValue("Hello from the fake.");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    CompletionUsage usage = completion.usage().orElseThrow();
    assertThat(usage.promptTokens()).isEqualTo(21);
    assertThat(usage.completionTokens()).isEqualTo(5);
    assertThat(usage.totalTokens()).isEqualTo(26);
    assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue(16L);
    RecordedRequest request = server.lastRequest();
    assertThat(request.header("authorization")).isEqualTo("Bearer sk-test-official");
    assertThat(request.json().get("max_completion_tokens").asInt()).isEqualTo(64);
    assertThat(request.toString()).doesNotContain("sk-test-official");
  }

  @Test
  void blockingCompletionFromTheFakeModelWithToolCalls() {
    server.enqueue(ScriptedResponse.reply("").withToolCalls(
        List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))));
    ChatCompletion completion = client.chat().completions().create(params(false)).validate();
    var message = completion.choices().get(0).message();
    assertThat(message.toolCalls().orElseThrow()).singleElement().satisfies(call -> {
      assertThat(call.asFunction().id()).isEqualTo("call_1");
      assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
      assertThat(call.asFunction().function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    });
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);

    ChatCompletion generated = client.chat().completions().create(params(false)).validate();
    assertThat(generated.choices().get(0).message().content().orElseThrow()).isNotBlank();
    assertThat(fake.callCount()).isEqualTo(1);
    assertThat(fake.lastRequest().parameters().maxOutputTokens()).isEqualTo(64);
    assertThat(fake.lastRequest().messages()).hasSize(2);
  }

  @Test
  void streamingWithUsageOnTheLastChunk() {
    fake.reply("one two three four");
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params(true))) {
      stream.stream().forEach(c -> {
        chunks.add(c.validate());
        c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
      });
    }
    assertThat(text).hasToString("one two three four");
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    CompletionUsage usage = last.usage().orElseThrow();
    assertThat(usage.completionTokens()).isEqualTo(FakeChatModel.estimateTokens("one two three four"));
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason())
        .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(server.lastRequest().json().path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void scriptedStreamWithoutUsageWhenNotAskedFor() {
    server.enqueue(ScriptedResponse.reply("a b"));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params(false))) {
      stream.stream().forEach(chunks::add);
    }
    assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    assertThat(chunks).hasSize(4); // role, "a ", "b", finish
  }

  @Test
  void errorsReachTheClientTyped() {
    server.enqueue(ScriptedResponse.error(429, "requests", "rate_limit_exceeded").withHeader("retry-after", "2"));
    assertThatThrownBy(() -> client.chat().completions().create(params(false)))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(429);
          assertThat(e.headers().values("retry-after")).containsExactly("2");
        });

    fake.failWith(Fault.rateLimited(Duration.ofSeconds(3))).once();
    assertThatThrownBy(() -> client.chat().completions().create(params(false)))
        .isInstanceOfSatisfying(RateLimitException.class, e ->
            assertThat(e.headers().values("retry-after")).containsExactly("3"));

    server.enqueue(ScriptedResponse.error(400, "invalid_request_error", null));
    assertThatThrownBy(() -> client.chat().completions().create(params(false)))
        .isInstanceOf(BadRequestException.class);
  }
}
