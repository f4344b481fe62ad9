package dev.llmops.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.AuthenticationException;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.FinishReason;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.MalformedResponseException;
import dev.llmops.api.Message;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.Role;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.StreamingCall;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.RecordedRequest;
import dev.llmops.testkit.server.ScriptedResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link OpenAiChatModel} against the fake server: requests, errors, faults, streaming, secrets. */
class OpenAiChatModelTest {
  private static final String KEY = "sk-test-0123456789abcdef";

  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final FakeChatModel fake = FakeChatModel.builder().modelId("gpt-4o-mini").build();
  private final FakeOpenAiServer server =
      FakeOpenAiServer.builder().model(fake).scheduler(scheduler).clock(clock).start();
  private final OpenAiChatModel model = OpenAiChatModel.builder()
      .baseUrl(server.baseUrl())
      .apiKey(Secret.of(KEY))
      .model("gpt-4o-mini")
      .organization("org-test")
      .project("proj-test")
      .header("x-team", "search")
      .clock(clock)
      .build();

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmException failure(ScriptedResponse response) {
    server.enqueue(response);
    try {
      model.chat(ChatRequest.of("hi"));
    } catch (LlmException e) {
      assertThat(e.getMessage()).doesNotContain(KEY);
      assertThat(e.toString()).doesNotContain(KEY);
      return e;
    }
    throw new AssertionError("expected a failure");
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {3}")
  @CsvSource({
    "400, invalid_request_error, , InvalidRequestException, false",
    "404, invalid_request_error, model_not_found, InvalidRequestException, false",
    "413, invalid_request_error, , InvalidRequestException, false",
    "422, invalid_request_error, , InvalidRequestException, false",
    "400, invalid_request_error, content_filter, ContentFilteredException, false",
    "401, invalid_request_error, invalid_api_key, AuthenticationException, false",
    "403, permission_error, , AuthenticationException, false",
    "402, billing_error, , QuotaExhaustedException, false",
    "408, timeout, , LlmTimeoutException, true",
    "429, requests, rate_limit_exceeded, RateLimitedException, true",
    "429, insufficient_quota, insufficient_quota, QuotaExhaustedException, false",
    "500, server_error, , ProviderUnavailableException, true",
    "502, server_error, , ProviderUnavailableException, true",
    "503, server_error, , ProviderUnavailableException, true",
    "504, server_error, , ProviderUnavailableException, true",
    "529, overloaded_error, , OverloadedException, true",
  })
  void errorStatusesMapToTypedExceptions(int status, String type, String code, String expected, boolean retryable) {
    LlmException e = failure(ScriptedResponse.error(status, type, code));
    assertThat(e.getClass().getSimpleName()).isEqualTo(expected);
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.httpStatus()).isEqualTo(status);
    assertThat(e.provider()).isEqualTo("openai");
    assertThat(e.model()).isEqualTo("gpt-4o-mini");
    assertThat(e.details().errorCode()).isEqualTo(code == null ? type : code);
  }

  @Test
  void retryAfterInSecondsWithRateLimitHeaders() {
    LlmException e = failure(ScriptedResponse.error(429, "tokens", "rate_limit_exceeded")
        .withHeader("retry-after", "7")
        .withHeader("x-ratelimit-remaining-tokens", "0")
        .withHeader("x-ratelimit-reset-tokens", "12ms"));
    assertThat(e).isInstanceOf(RateLimitedException.class);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(e.details().headers()).containsEntry("x-ratelimit-reset-tokens", "12ms").containsEntry("retry-after", "7");
  }

  @Test
  void retryAfterMsWinsOverRetryAfter() {
    LlmException e = failure(ScriptedResponse.error(429, "requests", "rate_limit_exceeded")
        .withHeader("retry-after", "7").withHeader("retry-after-ms", "1500.5"));
    assertThat(e.retryAfter()).isEqualTo(Duration.ofNanos(1_500_500_000));
  }

  @Test
  void retryAfterAsAnHttpDateIsMeasuredOnTheInjectedClock() {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(90).atZone(ZoneOffset.UTC));
    LlmException e = failure(ScriptedResponse.error(503, "server_error", null).withHeader("retry-after", date));
    assertThat(e).isInstanceOf(ProviderUnavailableException.class);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void malformedJsonBodyNamesTheProblemButNotTheBody() {
    LlmException e = failure(ScriptedResponse.raw(200, "application/json", "{\"id\": \"x\", \"choices\": [ SECRET-ANSWER"));
    assertThat(e).isInstanceOf(MalformedResponseException.class);
    assertThat(e.getMessage()).contains("not valid JSON").doesNotContain("SECRET-ANSWER");
    LlmException missing = failure(ScriptedResponse.raw(200, "application/json", "{\"id\":\"x\",\"choices\":[]}"));
    assertThat(missing).isInstanceOf(MalformedResponseException.class);
    assertThat(missing.getMessage()).contains("choices[0].finish_reason");
  }

  @Test
  void inconsistentUsageIsMalformed() {
    String body = "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":9}}}";
    LlmException e = failure(ScriptedResponse.raw(200, "application/json", body));
    assertThat(e).isInstanceOf(MalformedResponseException.class);
    assertThat(e.getMessage()).contains("cached_tokens");
  }

  @Test
  void requestCarriesHeadersAndTheKeyOnlyInAHeader() {
    server.enqueue(ScriptedResponse.reply("ok"));
    ChatResponse r = model.chat(ChatRequest.builder()
        .system("Be brief.")
        .user("What is 2+2?")
        .message(new Message(Role.ASSISTANT, "", List.of(new ToolCall("call_1", "calc", "{\"x\":2}")), null))
        .message(Message.tool("call_1", "4"))
        .temperature(0.2)
        .maxOutputTokens(50)
        .toolsJson("[{\"type\":\"function\",\"function\":{\"name\":\"calc\",\"parameters\":{\"type\":\"object\"}}}]")
        .responseFormatJson("{\"type\":\"json_object\"}")
        .build());
    assertThat(r.text()).isEqualTo("ok");
    RecordedRequest req = server.lastRequest();
    assertThat(req.path()).isEqualTo("/v1/chat/completions");
    assertThat(req.query()).doesNotContain(KEY);
    assertThat(req.header("authorization")).isEqualTo("Bearer " + KEY);
    assertThat(req.header("openai-organization")).isEqualTo("org-test");
    assertThat(req.header("openai-project")).isEqualTo("proj-test");
    assertThat(req.header("x-team")).isEqualTo("search");
    var json = req.json();
    assertThat(json.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(json.get("max_completion_tokens").asInt()).isEqualTo(50);
    assertThat(json.get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(json.get("messages")).hasSize(4);
    assertThat(json.get("messages").get(2).get("tool_calls").get(0).get("function").get("name").asText()).isEqualTo("calc");
    assertThat(json.get("messages").get(2).get("content").isNull()).isTrue();
    assertThat(json.get("messages").get(3).get("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(json.get("tools").get(0).get("function").get("name").asText()).isEqualTo("calc");
    assertThat(json.get("response_format").get("type").asText()).isEqualTo("json_object");
    assertThat(json.has("stream")).isFalse();
    assertThat(model.toString()).doesNotContain(KEY);
  }

  @Test
  void invalidPassThroughJsonFailsBeforeSending() {
    assertThatThrownBy(() -> model.chat(ChatRequest.builder().user("x").toolsJson("[not json").build()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("toolsJson");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void streamingThroughTheClientPipeline() {
    fake.reply("streamed through the pipeline");
    try (LlmClient client = LlmClient.builder().model("gpt", model).build()) {
      List<String> deltas = new ArrayList<>();
      StreamingCall call = client.stream(ChatRequest.of("tell me"), chunk -> deltas.add(chunk.textDelta()));
      Completion done = call.completion().join();
      assertThat(done.text()).isEqualTo("streamed through the pipeline");
      assertThat(String.join("", deltas)).isEqualTo("streamed through the pipeline");
      assertThat(done.finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(done.usage().estimated()).isFalse();
      assertThat(done.usage().outputTokens()).isEqualTo(FakeChatModel.estimateTokens("streamed through the pipeline"));
      Completion blocking = client.chat(ChatRequest.of("again"));
      assertThat(blocking.text()).isNotBlank();
      assertThat(blocking.usage().inputTokens()).isPositive();
    }
  }

  @Test
  void streamCutAfterSomeEventsIsInterruptedWithPartialText() {
    server.enqueue(ScriptedResponse.reply("alpha beta gamma delta").cutAfterEvents(3));
    assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("x"), c -> {})))
        .isInstanceOfSatisfying(StreamInterruptedException.class, e -> {
          assertThat(e.partialText()).isEqualTo("alpha beta ");
          assertThat(e.chunksReceived()).isEqualTo(2);
          assertThat(e.details().errorCode()).isEqualTo("stream_incomplete");
          assertThat(e.retryable()).isTrue();
        });
  }

  @Test
  void streamEndingAfterTheFinishChunkButBeforeUsageAndDoneIsInterrupted() {
    // role, 2 words, finish: 4 events; the usage chunk and [DONE] never come.
    server.enqueue(ScriptedResponse.reply("one two").cutAfterEvents(4));
    assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("x"), c -> {})))
        .isInstanceOfSatisfying(StreamInterruptedException.class, e -> {
          assertThat(e.partialText()).isEqualTo("one two");
          assertThat(e.getMessage()).contains("[DONE]");
        });
  }

  @Test
  void streamWithMalformedJsonKeepsTheUsageSoFar() {
    server.enqueue(ScriptedResponse.reply("one two").withUsage(Usage.of(3, 2)).malformedAfterEvents(5));
    assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("x"), c -> {})))
        .isInstanceOfSatisfying(StreamInterruptedException.class, e -> {
          assertThat(e.details().errorCode()).isEqualTo("malformed_json");
          assertThat(e.partialText()).isEqualTo("one two");
          assertThat(e.usageSoFar()).isEqualTo(Usage.of(3, 2));
        });
  }

  @Test
  void errorObjectInsideAStream() {
    String sse = """
        data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

        data: {"error":{"message":"boom","type":"server_error","code":null}}

        """;
    server.enqueue(ScriptedResponse.raw(200, "text/event-stream", sse));
    assertThatThrownBy(() -> ChatModel.join(model.stream(ChatRequest.of("x"), c -> {})))
        .isInstanceOfSatisfying(StreamInterruptedException.class, e -> {
          assertThat(e.partialText()).isEqualTo("Hi");
          assertThat(e.getCause()).isInstanceOf(ProviderUnavailableException.class);
        });
  }

  @Test
  void delayedAnswerWaitsOnTheTestClockAndCancellationAbortsTheExchange() throws Exception {
    server.enqueue(ScriptedResponse.reply("late").after(Duration.ofSeconds(30)));
    CompletableFuture<ChatResponse> pending = model.chatAsync(ChatRequest.of("x"));
    awaitRequests(1);
    // The server records the request before it schedules the delayed answer: wait for both.
    Conditions.await(() -> scheduler.pending() == 1, "the delayed answer was not scheduled");
    assertThat(pending).isNotDone();
    clock.advance(Duration.ofSeconds(30));
    assertThat(pending.get(10, TimeUnit.SECONDS).text()).isEqualTo("late");

    server.enqueue(ScriptedResponse.reply("never read").after(Duration.ofHours(1)));
    try (LlmClient client = LlmClient.builder().model("gpt", model).build()) {
      CompletableFuture<Completion> call = client.chatAsync(ChatRequest.of("y"));
      awaitRequests(2);
      assertThat(call.cancel(true)).isTrue();
      assertThat(call).isCancelled();
    }
  }

  @Test
  void connectionRefusedIsProviderUnavailable() {
    FakeOpenAiServer closed = FakeOpenAiServer.start();
    String url = closed.baseUrl();
    closed.close();
    ChatModel unreachable = OpenAiChatModel.builder().baseUrl(url).model("m").build();
    assertThatThrownBy(() -> unreachable.chat(ChatRequest.of("x")))
        .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("connection failed");
        });
  }

  @Test
  void builderValidatesAtOnce() {
    assertThatThrownBy(() -> OpenAiChatModel.builder().baseUrl("ftp://x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OpenAiChatModel.builder().baseUrl("https://k:" + KEY + "@host/v1"))
        .isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain(KEY);
    assertThatThrownBy(() -> OpenAiChatModel.builder().timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OpenAiChatModel.builder().model(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OpenAiChatModel.builder().build()).hasMessageContaining("model is required");
    assertThatThrownBy(() -> OpenAiChatModel.builder().model("gpt-4o").build()).hasMessageContaining("apiKey is required");
    assertThatThrownBy(() -> OpenAiChatModel.builder().header("Host", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void azureStyleKeyHeaderAndQueryParameter() {
    OpenAiChatModel azure = OpenAiChatModel.builder()
        .baseUrl(server.baseUrl()).apiKey(Secret.of(KEY)).apiKeyHeader("api-key")
        .queryParameter("api-version", "2024-10-21").provider("azure.ai.openai").model("gpt-4o").build();
    server.enqueue(ScriptedResponse.reply("hi"));
    azure.chat(ChatRequest.of("x"));
    RecordedRequest req = server.lastRequest();
    assertThat(req.header("api-key")).isEqualTo(KEY);
    assertThat(req.header("authorization")).isNull();
    assertThat(req.query()).isEqualTo("api-version=2024-10-21");
    assertThat(azure.info().provider()).isEqualTo("azure.ai.openai");
  }

  @Test
  void aTimeoutStatusIsAnLlmTimeout() {
    assertThat(failure(ScriptedResponse.error(408, "timeout", null))).isInstanceOf(LlmTimeoutException.class);
  }

  /**
   * The HTTP client's own request timeout (real time: the JDK client has no clock to inject) ends
   * an answer that never comes as a retryable LlmTimeoutException. The server holds the answer on
   * the test clock, which never moves here.
   */
  @Test
  void aRequestThatOutlivesTheTransportTimeoutIsAnLlmTimeout() {
    server.enqueue(ScriptedResponse.reply("never sent").after(Duration.ofHours(1)));
    OpenAiChatModel impatient = OpenAiChatModel.builder()
        .baseUrl(server.baseUrl())
        .apiKey(Secret.of(KEY))
        .model("gpt-4o-mini")
        .timeout(Duration.ofMillis(200))
        .clock(clock)
        .build();
    assertThatThrownBy(() -> impatient.chat(ChatRequest.of("x")))
        .isInstanceOfSatisfying(LlmTimeoutException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).isEqualTo("openai model gpt-4o-mini: request timed out");
          assertThat(e.getCause()).isInstanceOf(java.net.http.HttpTimeoutException.class);
        });
  }

  @Test
  void authenticationFailureNeverEchoesTheKey() {
    LlmException e = failure(ScriptedResponse.raw(401, "application/json",
        "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\",\"type\":\"invalid_request_error\","
            + "\"code\":\"invalid_api_key\"}}"));
    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(e.getMessage()).doesNotContain(KEY);
    assertThat(String.valueOf(e.details())).doesNotContain(KEY);
  }

  private void awaitRequests(int n) {
    Conditions.await(() -> server.requestCount() >= n, "the server did not receive " + n + " requests");
  }


}
