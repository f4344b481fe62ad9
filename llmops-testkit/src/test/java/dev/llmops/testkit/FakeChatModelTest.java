package dev.llmops.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Usage;
import dev.llmops.core.LlmClient;
import dev.llmops.core.StreamingCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FakeChatModelTest {

  @Test
  void generatedTextIsAPureFunctionOfSeedAndRequest() {
    FakeChatModel a = FakeChatModel.builder().seed(1).build();
    FakeChatModel b = FakeChatModel.builder().seed(1).build();
    FakeChatModel other = FakeChatModel.builder().seed(2).build();
    ChatRequest q = ChatRequest.of("What is the answer?");
    assertThat(a.chat(q).text()).isEqualTo(b.chat(q).text()).isEqualTo(a.chat(q).text());
    assertThat(other.chat(q).text()).isNotEqualTo(a.chat(q).text());
    assertThat(a.chat(ChatRequest.of("something else")).text()).isNotEqualTo(a.chat(q).text());
  }

  @Test
  void usageIsComputedFromTheTextWithTheDocumentedEstimate() {
    FakeChatModel fake = FakeChatModel.create();
    fake.reply("12345678");
    ChatResponse r = fake.chat(ChatRequest.builder().system("abcd").user("abcdefgh").build());
    assertThat(r.usage()).isEqualTo(new Usage(1 + 2, 2, 0, 0, 0, false));
    assertThat(FakeChatModel.estimateTokens("")).isZero();
    assertThat(FakeChatModel.estimateTokens("a")).isEqualTo(1);
    assertThat(FakeChatModel.estimateTokens("abcde")).isEqualTo(2);
  }

  @Test
  void aCustomTokenCounterReplacesTheEstimate() {
    FakeChatModel fake = FakeChatModel.builder().tokenCounter(s -> s.split(" ").length).build();
    fake.reply("three little words");
    assertThat(fake.chat(ChatRequest.of("one two")).usage().outputTokens()).isEqualTo(3);
  }

  @Test
  void maxOutputTokensTruncatesGeneratedTextWithFinishLength() {
    FakeChatModel fake = FakeChatModel.builder().wordsPerReply(10).build();
    ChatResponse r = fake.chat(ChatRequest.builder().user("go").maxOutputTokens(3).build());
    assertThat(r.text().split(" ")).hasSize(3);
    assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
  }

  @Test
  void precedenceIsFailuresThenQueueThenRulesThenGenerated() {
    FakeChatModel fake = FakeChatModel.create();
    fake.when(r -> r.lastUserMessage().contains("rule")).reply("from rule");
    fake.reply("queued");
    fake.failNext(1, Fault.invalidRequest());
    assertThatThrownBy(() -> fake.chat(ChatRequest.of("rule"))).isInstanceOf(dev.llmops.api.InvalidRequestException.class);
    assertThat(fake.chat(ChatRequest.of("rule")).text()).isEqualTo("queued");
    assertThat(fake.chat(ChatRequest.of("rule")).text()).isEqualTo("from rule");
    assertThat(fake.chat(ChatRequest.of("no match")).text()).isNotEqualTo("from rule");
    assertThat(fake.requests()).hasSize(4);
    assertThat(fake.lastRequest().lastUserMessage()).isEqualTo("no match");
    fake.reset();
    assertThat(fake.requests()).isEmpty();
    assertThat(fake.chat(ChatRequest.of("rule")).text()).isNotEqualTo("from rule");
  }

  @Test
  void latencyRunsOnTheManualSchedulerNotOnTheWallClock() {
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    FakeChatModel fake = FakeChatModel.builder().latency(Duration.ofMillis(200)).scheduler(scheduler).build();
    try (LlmClient client = LlmClient.builder().model("m", fake).clock(clock).scheduler(scheduler).build()) {
      CompletableFuture<Completion> f = client.chatAsync(ChatRequest.of("hi"));
      assertThat(f).isNotDone();
      assertThat(fake.inFlight()).isEqualTo(1);
      clock.advance(Duration.ofMillis(199));
      assertThat(f).isNotDone();
      clock.advance(Duration.ofMillis(1));
      assertThat(f).isCompleted();
      assertThat(fake.inFlight()).isZero();
    }
  }

  @Test
  void streamingChunksArriveOnTheChunkInterval() {
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    FakeChatModel fake = FakeChatModel.builder()
        .latency(Duration.ofMillis(100)).chunkInterval(Duration.ofMillis(10)).scheduler(scheduler).build();
    fake.reply("a b c");
    List<String> got = new ArrayList<>();
    try (LlmClient client = LlmClient.builder().model("m", fake).clock(clock).scheduler(scheduler).build()) {
      StreamingCall call = client.stream(ChatRequest.of("hi"), c -> got.add(c.textDelta()));
      clock.advance(Duration.ofMillis(100));
      assertThat(got).containsExactly("a ");
      clock.advance(Duration.ofMillis(10));
      assertThat(got).containsExactly("a ", "b ");
      clock.advance(Duration.ofMillis(10));
      assertThat(call.completion()).isCompleted();
      assertThat(got).containsExactly("a ", "b ", "c", "");
      assertThat(call.completion().join().text()).isEqualTo("a b c");
      assertThat(call.completion().join().usage().outputTokens()).isEqualTo(2);
    }
  }

  @Test
  void cancelledSlowAttemptReleasesItsScheduledTask() {
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    FakeChatModel fake = FakeChatModel.builder().latency(Duration.ofSeconds(5)).scheduler(scheduler).build();
    try (LlmClient client = LlmClient.builder().model("m", fake).clock(clock).scheduler(scheduler).build()) {
      CompletableFuture<Completion> f = client.chatAsync(ChatRequest.of("hi"));
      assertThat(scheduler.pending()).isEqualTo(1);
      f.cancel(true);
      assertThat(scheduler.pending()).isZero();
      assertThat(fake.inFlight()).isZero();
      assertThat(fake.cancelledCount()).isEqualTo(1);
    }
  }

  @Test
  void hangNeverAnswersUntilCancelled() {
    FakeChatModel fake = FakeChatModel.create();
    fake.failWith(Fault.hang()).once();
    try (LlmClient client = LlmClient.builder().model("m", fake).build()) {
      CompletableFuture<Completion> f = client.chatAsync(ChatRequest.of("hi"));
      assertThat(f).isNotDone();
      assertThat(fake.inFlight()).isEqualTo(1);
      f.cancel(true);
      assertThat(fake.inFlight()).isZero();
    }
  }

  @Test
  void scriptedRepliesCarryUsageFinishReasonAndToolCalls() {
    FakeChatModel fake = FakeChatModel.create();
    fake.enqueue(
        FakeReply.text("x").withUsage(new Usage(100, 50, 80, 0, 20, false)),
        FakeReply.text("").withToolCalls(List.of(new dev.llmops.api.ToolCall("c1", "lookup", "{\"q\":1}"))));
    assertThat(fake.chat(ChatRequest.of("a")).usage().cachedInputTokens()).isEqualTo(80);
    ChatResponse tools = fake.chat(ChatRequest.of("a"));
    assertThat(tools.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(tools.toolCalls()).extracting(dev.llmops.api.ToolCall::name).containsExactly("lookup");
  }

  @Test
  void latencyWithoutSchedulerIsRejectedAtBuild() {
    assertThatThrownBy(() -> FakeChatModel.builder().latency(Duration.ofMillis(1)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("scheduler");
  }

  @Test
  void chunksOfSplitsByWordAndJoinsBackToTheText() {
    assertThat(FakeChatModel.chunksOf("a bb  c")).containsExactly("a ", "bb ", " ", "c");
    assertThat(String.join("", FakeChatModel.chunksOf("one two three "))).isEqualTo("one two three ");
    assertThat(FakeChatModel.chunksOf("")).isEmpty();
  }
}
