package dev.llmops.testkit.provider;

import static dev.llmops.testkit.ConformanceData.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Message;
import dev.llmops.api.OverloadedException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.anthropic.AnthropicChatModel;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.TestClock;
import dev.llmops.testkit.server.FakeAnthropicServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * llmops' own {@link AnthropicChatModel} against the {@link FakeAnthropicServer}: blocking,
 * streaming, tool calls, a 429 with {@code retry-after} retried by the client, a 529; and the
 * fake's wire shapes against the official SDK's recorded exchanges.
 */
class AnthropicOnFakeServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final FakeChatModel fake = FakeChatModel.builder().modelId("claude-haiku-4-5").build();
  private final FakeAnthropicServer server = FakeAnthropicServer.builder().model(fake).clock(clock).start();
  private final AnthropicChatModel model = AnthropicChatModel.builder()
      .baseUrl(server.baseUrl()).apiKey(Secret.of("sk-ant-fake")).model("claude-haiku-4-5").build();

  @AfterEach
  void stop() {
    model.close();
    server.close();
  }

  @Test
  void blockingAnswerWithUsageAsAnthropicCountsIt() {
    server.enqueue(ScriptedResponse.reply("Bonjour.").withUsage(new Usage(2110, 3, 2048, 0, 0, false)));
    ChatResponse r = model.chat(ChatRequest.builder().system("Be brief.").user("Greet me in French").build());
    assertThat(r.text()).isEqualTo("Bonjour.");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(2110, 3, 2048, 0, 0, false));
    assertThat(server.lastRequest().json().get("system").asText()).isEqualTo("Be brief.");
  }

  @Test
  void streamingFromTheFakeModel() {
    fake.reply("alpha beta gamma");
    List<String> chunks = new ArrayList<>();
    ChatResponse r = model.stream(ChatRequest.of("go"), c -> chunks.add(c.textDelta())).join();
    assertThat(r.text()).isEqualTo("alpha beta gamma");
    assertThat(String.join("", chunks)).isEqualTo("alpha beta gamma");
    assertThat(chunks).hasSizeGreaterThan(1);
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage().outputTokens()).isEqualTo(FakeChatModel.estimateTokens("alpha beta gamma"));
    assertThat(fake.lastRequest().messages()).extracting(Message::content).containsExactly("go");
  }

  @Test
  void toolCallBlockingAndStreamedAndTheResultGoesBackToTheModel() {
    ToolCall call = new ToolCall("toolu_9", "get_weather", "{\"city\":\"Paris\"}");
    server.enqueue(ScriptedResponse.reply("").withToolCalls(List.of(call)));
    server.enqueue(ScriptedResponse.reply("Checking.").withToolCalls(List.of(call)));
    ChatResponse blocking = model.chat(ChatRequest.of("Weather in Paris?"));
    assertThat(blocking.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(blocking.toolCalls()).singleElement().satisfies(c -> {
      assertThat(c.id()).isEqualTo("toolu_9");
      assertThat(parse(c.argumentsJson())).isEqualTo(parse("{\"city\":\"Paris\"}"));
    });
    ChatResponse streamed = model.stream(ChatRequest.of("Weather in Paris?"), c -> {}).join();
    assertThat(streamed.text()).isEqualTo("Checking.");
    assertThat(streamed.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather");
    assertThat(parse(streamed.toolCalls().get(0).argumentsJson())).isEqualTo(parse("{\"city\":\"Paris\"}"));

    fake.reply("It is 18C in Paris.");
    ChatResponse answer = model.chat(ChatRequest.builder()
        .user("Weather in Paris?")
        .message(new Message(Role.ASSISTANT, "", List.of(call), null))
        .message(Message.tool("toolu_9", "18C"))
        .build());
    assertThat(answer.text()).isEqualTo("It is 18C in Paris.");
    List<Message> seen = fake.lastRequest().messages();
    assertThat(seen).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL);
    assertThat(seen.get(1).toolCalls()).singleElement().satisfies(c -> assertThat(c.id()).isEqualTo("toolu_9"));
    assertThat(seen.get(2).toolCallId()).isEqualTo("toolu_9");
    assertThat(seen.get(2).content()).isEqualTo("18C");
  }

  @Test
  void a429WithRetryAfterIsRetriedByTheClientAfterThatWait() {
    RecordingListener events = RecordingListener.create();
    server.enqueue(ScriptedResponse.error(429, "rate_limit_error").withHeader("retry-after", "7"),
        ScriptedResponse.reply("after the wait"));
    try (LlmClient client = LlmClient.builder().clock(clock).scheduler(scheduler).listener(events)
        .model("claude", model).resilience(Resilience.builder().maxAttempts(2).build()).build()) {
      CompletableFuture<Completion> f = client.chatAsync(ChatRequest.of("hi"));
      Conditions.await(() -> scheduler.pending() == 1, "the retry was not scheduled");
      assertThat(events.events(Resilience.RetryScheduled.class)).singleElement().satisfies(e -> {
        assertThat(e.delay()).isEqualTo(Duration.ofSeconds(7));
        assertThat(e.retryAfter()).isTrue();
      });
      assertThat(f).isNotDone();
      clock.advance(Duration.ofSeconds(7));
      assertThat(f.join().text()).isEqualTo("after the wait");
    }
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void rateLimitAndOverloadFaultsOfTheFakeModelAreTypedByTheAdapter() {
    fake.failWith(Fault.rateLimited(Duration.ofSeconds(3))).once();
    assertThatThrownBy(() -> model.chat(ChatRequest.of("x")))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
          assertThat(e.details().errorCode()).isEqualTo("rate_limit_error");
        });
    fake.failWith(Fault.overloaded()).once();
    assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("x"), c -> {})))
        .isInstanceOfSatisfying(OverloadedException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(529);
          assertThat(e.details().errorCode()).isEqualTo("overloaded_error");
        });
    server.enqueue(ScriptedResponse.error(529, "overloaded_error"));
    assertThatThrownBy(() -> model.chat(ChatRequest.of("x"))).isInstanceOf(OverloadedException.class);
  }

  @Test
  void aRequestWithoutMaxTokensIsRejectedAsTheApiWould() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/messages"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("type").asText()).isEqualTo("error");
    assertThat(body.get("error").get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(body.get("error").get("message").asText()).contains("max_tokens");
  }

  /**
   * The fake writes the fields the real API writes, and no others: each object of its Message and
   * of each of its stream events against the same object in the official SDK's recordings.
   */
  @Test
  void wireShapesMatchTheRecordedExchanges() throws Exception {
    JsonNode recordedMessage = JSON.readTree(file("anthropic-examples/message-nonstreaming.recorded-exchange.json").toFile())
        .get(0).get("response").get("body");
    server.enqueue(ScriptedResponse.reply("x"));
    JsonNode fakeMessage = JSON.readTree(post(false));
    // Optional in the API, absent in older recordings, or only for server tools.
    Set<String> optional = Set.of("cache_creation", "inference_geo", "caller");
    assertSameFields("message", recordedMessage, fakeMessage, optional);

    Map<String, JsonNode> recordedEvents = events(Files.readString(file("anthropic-examples/sse-tool-use.sdk-fixture.txt")));
    server.enqueue(ScriptedResponse.reply("I will check.")
        .withToolCalls(List.of(new ToolCall("toolu_1", "get_weather", "{\"location\":\"Paris\"}"))));
    Map<String, JsonNode> fakeEvents = events(post(true));
    assertThat(fakeEvents.keySet()).containsAll(recordedEvents.keySet());
    // message_delta's usage repeats the input side, as newer responses do (stream-after-two-429s).
    Set<String> repeated = Set.of("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens");
    for (Map.Entry<String, JsonNode> e : recordedEvents.entrySet()) {
      Set<String> allowed = e.getKey().equals("message_delta") ? union(optional, repeated) : optional;
      assertSameFields(e.getKey(), e.getValue(), fakeEvents.get(e.getKey()), allowed);
    }
  }

  private String post(boolean stream) throws IOException, InterruptedException {
    String body = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":64,\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/messages"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The first event of each kind, keyed by type and, for blocks and deltas, the block's or delta's type. */
  private static Map<String, JsonNode> events(String sse) throws IOException {
    Map<String, JsonNode> byKind = new java.util.TreeMap<>();
    for (String line : sse.lines().toList()) {
      if (line.startsWith("data: ")) {
        JsonNode data = JSON.readTree(line.substring(6));
        String kind = data.get("type").asText();
        if (data.has("content_block")) {
          kind += "/" + data.get("content_block").get("type").asText();
        } else if (data.has("delta") && data.get("delta").has("type")) {
          kind += "/" + data.get("delta").get("type").asText();
        }
        byKind.putIfAbsent(kind, data);
      }
    }
    return byKind;
  }

  /** Every object in {@code fake} has the fields of the same object in {@code recorded}, but {@code optional} ones. */
  private static void assertSameFields(String where, JsonNode recorded, JsonNode fake, Set<String> optional) {
    assertThat(fake).as(where).isNotNull();
    if (!recorded.isObject()) {
      return;
    }
    assertThat(fake.isObject()).as(where + " is an object").isTrue();
    Set<String> expected = new TreeSet<>();
    recorded.fieldNames().forEachRemaining(expected::add);
    Set<String> actual = new TreeSet<>();
    fake.fieldNames().forEachRemaining(actual::add);
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    missing.removeAll(optional);
    Set<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    extra.removeAll(optional);
    assertThat(missing).as(where + ": fields the API sends and the fake does not").isEmpty();
    assertThat(extra).as(where + ": fields the fake invents").isEmpty();
    for (Iterator<String> it = recorded.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (fake.has(name) && recorded.get(name).isObject()) {
        assertSameFields(where + "." + name, recorded.get(name), fake.get(name), optional);
      }
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(json, e);
    }
  }
}
