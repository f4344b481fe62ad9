package dev.llmops.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.Completion;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/** Time moved by hand, two scripted endpoints and a client with a resilience step. */
final class Harness implements AutoCloseable {
  final Hand clock = new Hand();
  /** The client's scheduler: the same hand as its clock. */
  final Hand scheduler = clock;
  final Recorder events = new Recorder();
  final ScriptedModel smart;
  final ScriptedModel cheap = new ScriptedModel("cheap", scheduler, Duration.ZERO);
  final Resilience step;
  final LlmClient client;

  /** A client with {@code resilience} over {@code smart} (the default endpoint) and {@code cheap}. */
  Harness(Resilience resilience) {
    this(resilience, Duration.ZERO);
  }

  /** With {@code smart} streaming one chunk per {@code chunkInterval}. */
  Harness(Resilience resilience, Duration chunkInterval) {
    smart = new ScriptedModel("smart", scheduler, chunkInterval);
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
