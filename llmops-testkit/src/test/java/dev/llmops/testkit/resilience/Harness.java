package dev.llmops.testkit.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.Completion;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.resilience.CircuitBreakerPolicy;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/** A test clock, a manual scheduler, two fake endpoints and a client with a resilience step. */
final class Harness implements AutoCloseable {
  final TestClock clock = TestClock.create();
  final ManualScheduler scheduler = ManualScheduler.on(clock);
  final RecordingListener events = RecordingListener.create();
  final FakeChatModel smart;
  final FakeChatModel cheap = FakeChatModel.builder().modelId("cheap").scheduler(scheduler).build();
  final Resilience step;
  final LlmClient client;

  /** A client with {@code resilience} over the fakes {@code smart} (the default) and {@code cheap}. */
  Harness(Resilience resilience) {
    this(resilience, Duration.ZERO);
  }

  /** With {@code smart} streaming one chunk per {@code chunkInterval}. */
  Harness(Resilience resilience, Duration chunkInterval) {
    smart = FakeChatModel.builder().modelId("smart").scheduler(scheduler).chunkInterval(chunkInterval).build();
    step = resilience;
    client =
        LlmClient.builder()
            .clock(clock)
            .scheduler(scheduler)
            .listener(events)
            .model("smart", smart)
            .model("cheap", cheap)
            .resilience(resilience)
            .build();
  }

  /** The step's defaults with a seeded jitter and a 1 s to 8 s backoff. */
  static Resilience.Builder base() {
    return Resilience.builder().random(new SplittableRandom(1)).backoff(Duration.ofSeconds(1), Duration.ofSeconds(8));
  }

  /** The failure a completed call ended with, unwrapped. */
  static Throwable failureOf(CompletableFuture<Completion> f) {
    assertThat(f).isDone();
    try {
      ChatModel.join(f);
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  @Override
  public void close() {
    client.close();
  }
}
