package dev.llmops.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.ToolCall;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.anthropic.AnthropicChatModel;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.TestClock;
import dev.llmops.testkit.junit5.LlmTestKit;
import dev.llmops.testkit.replay.Cassette;
import dev.llmops.testkit.replay.ReplayMissException;
import dev.llmops.testkit.server.FakeAnthropicServer;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The samples of {@code docs/testing.md}: each block between {@code sample-start} and {@code
 * sample-end} is copied there verbatim ({@code DocSamplesTest} checks it), and runs here.
 */
class TestingGuideTest {
  // sample-start testkit-extension
  @RegisterExtension final LlmTestKit kit = LlmTestKit.create();

  @Test
  void retriesAnOverloadedModel() {
    kit.model("smart").failWith(Fault.overloaded()).once();
    kit.model("smart").reply("Hello!");
    kit.customize(b -> b.resilience(Resilience.builder().maxAttempts(2).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build()));

    CompletableFuture<Completion> call = kit.client().chatAsync(ChatRequest.of("hi"));
    kit.advance(Duration.ofSeconds(2));   // the retry's backoff passes on the kit's clock: no sleeping

    assertThat(call.join().text()).isEqualTo("Hello!");
    assertThat(kit.model("smart").callCount()).isEqualTo(2);
    assertThat(kit.events().events(RecordingListener.Type.ATTEMPT_FAILED)).hasSize(1);
  }
  // sample-end testkit-extension

  @Test
  void fakesFaultsAndTimeWithoutSleeping() {
    // sample-start fake-clock
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    FakeChatModel model = FakeChatModel.builder().latency(Duration.ofMillis(200)).scheduler(scheduler).build();
    model.reply("slow answer");

    try (LlmClient client = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler).build()) {
      CompletableFuture<Completion> call = client.chatAsync(ChatRequest.of("hi"));
      assertThat(call).isNotDone();             // the fake's latency waits on the manual scheduler
      clock.advance(Duration.ofMillis(200));    // no sleep: time moves when the test says so
      assertThat(call.join().text()).isEqualTo("slow answer");
    }
    // sample-end fake-clock
  }

  @Test
  void faultsAreTypedExceptions() {
    // sample-start faults
    FakeChatModel model = FakeChatModel.create();
    model.failWith(Fault.rateLimited(Duration.ofSeconds(2))).times(1);

    try (LlmClient client = LlmClient.builder().model("m", model)
        .resilience(Resilience.builder().maxAttempts(1).build()).build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.of("hi")))
          .isInstanceOf(RateLimitedException.class);
    }
    // sample-end faults
  }

  @Test
  void theFakeOpenAiServerIsARealHttpServer() {
    // sample-start fake-openai-server
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      server.enqueue(ScriptedResponse.error(429, "requests", "rate_limit_exceeded").withHeader("retry-after", "0"));
      server.enqueue(ScriptedResponse.reply("Hello over HTTP"));
      ChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey(Secret.of("test-key")).model("gpt-4o-mini").build();

      try (LlmClient client = LlmClient.builder().model("openai", model)
          .resilience(Resilience.builder().maxAttempts(2).backoff(Duration.ZERO, Duration.ZERO).build()).build()) {
        assertThat(client.chat(ChatRequest.of("hi")).text()).isEqualTo("Hello over HTTP");
      }
      assertThat(server.requests()).hasSize(2);
      assertThat(server.lastRequest().body()).contains("\"model\":\"gpt-4o-mini\"");
    }
    // sample-end fake-openai-server
  }

  @Test
  void theFakeAnthropicServerSpeaksTheMessagesApi() {
    // sample-start fake-anthropic-server
    try (FakeAnthropicServer server = FakeAnthropicServer.start()) {
      server.enqueue(ScriptedResponse.error(529, "overloaded_error"));
      server.enqueue(ScriptedResponse.reply("Checking.")
          .withToolCalls(List.of(new ToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}"))));
      ChatModel model = AnthropicChatModel.builder().baseUrl(server.baseUrl()).apiKey(Secret.of("test-key")).model("claude-haiku-4-5").build();

      try (LlmClient client = LlmClient.builder().model("claude", model)
          .resilience(Resilience.builder().maxAttempts(2).backoff(Duration.ZERO, Duration.ZERO).build()).build()) {
        Completion answer = client.chat(ChatRequest.of("Weather in Paris?"));
        assertThat(answer.text()).isEqualTo("Checking.");
        assertThat(answer.response().toolCalls()).extracting(ToolCall::name).containsExactly("get_weather");
      }
      assertThat(server.requests()).hasSize(2);
      assertThat(server.lastRequest().path()).isEqualTo("/v1/messages");
      assertThat(server.lastRequest().header("anthropic-version")).isEqualTo("2023-06-01");
    }
    // sample-end fake-anthropic-server
  }

  // sample-start parameter-injection
  @Test
  void parametersComeFromTheKit(LlmClient client, @LlmTestKit.Model("smart") FakeChatModel smart, RecordingListener events) {
    smart.reply("Injected!");

    assertThat(client.chat(ChatRequest.of("hi")).text()).isEqualTo("Injected!");
    assertThat(smart.callCount()).isEqualTo(1);
    assertThat(events.events(RecordingListener.Type.CALL_END)).hasSize(1);
  }
  // sample-end parameter-injection

  @Test
  void recordOnceReplayOffline(@TempDir Path dir) {
    // sample-start record-replay
    Cassette cassette = Cassette.of(dir.resolve("support.jsonl"));

    // Once, against the real provider (here a fake stands in for it): answers are recorded, redacted.
    FakeChatModel real = FakeChatModel.create();
    real.reply("Restart the router.");
    try (LlmClient recording = LlmClient.builder().model("m", cassette.record(real)).build()) {
      recording.chat(ChatRequest.of("My internet is down"));
    }

    // Afterwards, offline and deterministic: the same request gets the recorded answer.
    try (LlmClient replaying = LlmClient.builder().model("m", cassette.replay(ModelInfo.of("openai", "gpt-4o"))).build()) {
      assertThat(replaying.chat(ChatRequest.of("My internet is down")).text()).isEqualTo("Restart the router.");
      assertThatThrownBy(() -> replaying.chat(ChatRequest.of("never recorded")))
          .isInstanceOf(ReplayMissException.class);
    }
    // sample-end record-replay
  }
}
