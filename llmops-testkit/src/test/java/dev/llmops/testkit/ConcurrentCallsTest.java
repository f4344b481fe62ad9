package dev.llmops.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The pipeline holds no thread per in-flight call. */
class ConcurrentCallsTest {

  @Test
  void tenThousandCallsInFlightAtOnceCompleteWithoutAThreadPerCall() {
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    FakeChatModel fake = FakeChatModel.builder().latency(Duration.ofMillis(200)).scheduler(scheduler).build();
    int threadsBefore = Thread.activeCount();
    try (LlmClient client = LlmClient.builder().model("m", fake).clock(clock).scheduler(scheduler).build()) {
      List<CompletableFuture<Completion>> calls = new ArrayList<>(10_000);
      for (int i = 0; i < 10_000; i++) {
        calls.add(client.chatAsync(ChatRequest.of("question " + i)));
      }
      // All 10,000 are in flight together, each waiting on a scheduled task, none on a thread.
      assertThat(fake.inFlight()).isEqualTo(10_000);
      assertThat(scheduler.pending()).isEqualTo(10_000);
      assertThat(calls).noneMatch(CompletableFuture::isDone);
      assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 2);

      clock.advance(Duration.ofMillis(200));

      assertThat(calls).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
      assertThat(fake.maxInFlight()).isEqualTo(10_000);
      assertThat(fake.inFlight()).isZero();
      assertThat(calls.get(9_999).join().text()).isNotBlank();
    }
  }

  @Test
  void concurrentCallersOnRealThreadsAllGetTheirOwnAnswers() throws Exception {
    FakeChatModel fake = FakeChatModel.create();
    try (LlmClient client = LlmClient.builder().model("m", fake).build()) {
      List<Thread> threads = new ArrayList<>();
      List<String> mismatches = java.util.Collections.synchronizedList(new ArrayList<>());
      FakeChatModel reference = FakeChatModel.create();
      for (int t = 0; t < 8; t++) {
        int id = t;
        Thread thread = new Thread(() -> {
          for (int i = 0; i < 500; i++) {
            ChatRequest q = ChatRequest.of("t" + id + "-" + i);
            String got = client.chat(q).text();
            if (!got.equals(reference.chat(q).text())) {
              mismatches.add(q.lastUserMessage());
            }
          }
        });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join(60_000);
      }
      assertThat(mismatches).isEmpty();
      assertThat(fake.callCount()).isEqualTo(4_000);
    }
  }
}
