package dev.llmops.core.resilience;

import static dev.llmops.core.resilience.Harness.base;
import static dev.llmops.core.resilience.Harness.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.core.StreamingCall;
import dev.llmops.core.resilience.ScriptedModel.Fault;
import dev.llmops.core.resilience.ScriptedModel.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The edges of the rules: waits that end exactly at a limit, the end of the fallback chain, what a deadline reports. */
class ResilienceBoundariesTest {
  private static final ChatRequest HELLO = ChatRequest.of("hello");

  @Test
  void aRetryAfterExactlyAtTheMaximumWaitIsHonoured() {
    try (Harness h = new Harness(base().honourRetryAfter(Duration.ofSeconds(5)).build())) {
      h.smart.failWith(Fault.rateLimited(Duration.ofSeconds(5))).once();
      Instant start = h.clock.instant();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);

      assertThat(h.scheduler.pendingDueTimes()).containsExactly(start.plusSeconds(5));
      h.clock.advance(Duration.ofSeconds(5));
      assertThat(call.join().attempts()).isEqualTo(2);
    }
  }

  @Test
  void aWaitEndingExactlyAtTheDeadlineIsNotTaken() {
    Resilience r = base().honourRetryAfter(Duration.ofMinutes(1)).deadline(Duration.ofSeconds(10)).build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.rateLimited(Duration.ofSeconds(10))).once();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);

      assertThat(failureOf(call)).isInstanceOf(RateLimitedException.class);
      assertThat(h.smart.callCount()).isEqualTo(1);
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  @Test
  void noFallbackIsTakenOnceTheDeadlineHasPassed() {
    Resilience r = base().maxAttempts(1).deadline(Duration.ofSeconds(5)).fallbackTo("cheap").build();
    try (Harness h = new Harness(r)) {
      // The failure arrives at the deadline itself, before the deadline's own task runs.
      h.smart.enqueue(Reply.failing(Fault.serverError(503)).after(Duration.ofSeconds(5)));

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      h.clock.advance(Duration.ofSeconds(5));

      assertThat(failureOf(call)).isInstanceOf(ProviderUnavailableException.class);
      assertThat(h.cheap.callCount()).isZero();
      assertThat(h.events.events(Resilience.FallbackTaken.class)).isEmpty();
    }
  }

  @Test
  void theFallbackChainSkipsTheRequestedEndpointAndEndsWithTheLastFailure() {
    try (Harness h = new Harness(base().fallbackTo("cheap", "smart").build())) {
      h.smart.failWith(Fault.quotaExhausted()).once();
      h.cheap.failWith(Fault.quotaExhausted()).once();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);

      assertThat(failureOf(call)).isInstanceOf(QuotaExhaustedException.class).hasMessageContaining("quota");
      assertThat(h.smart.callCount()).isEqualTo(1);
      assertThat(h.cheap.callCount()).isEqualTo(1);
      assertThat(h.events.events(Resilience.FallbackTaken.class)).containsExactly(new Resilience.FallbackTaken("smart", "cheap", "quota_exhausted"));
    }
  }

  @Test
  void aDeadlinePassingOnAFallbackNamesTheEndpointItWasOn() {
    try (Harness h = new Harness(base().deadline(Duration.ofSeconds(5)).fallbackTo("cheap").build())) {
      h.smart.failWith(Fault.quotaExhausted()).once();
      h.cheap.failWith(Fault.hang()).once();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      h.clock.advance(Duration.ofSeconds(5));

      assertThat(failureOf(call))
          .isInstanceOf(LlmTimeoutException.class)
          .hasMessageContaining("call deadline of PT5S passed (last endpoint 'cheap')");
      assertThat(h.cheap.cancelledCount()).isEqualTo(1);
    }
  }

  @Test
  void aStreamCutByTheDeadlineCountsTheChunksThatReachedTheCaller() {
    try (Harness h = new Harness(base().deadline(Duration.ofMillis(2500)).build(), Duration.ofSeconds(1))) {
      StringBuilder seen = new StringBuilder();

      StreamingCall call = h.client.stream(HELLO, chunk -> seen.append(chunk.textDelta()));
      h.clock.advance(Duration.ofSeconds(3));

      Throwable failure = failureOf(call.completion());
      assertThat(failure).isInstanceOf(StreamInterruptedException.class).hasMessageContaining("after 3 chunks");
      StreamInterruptedException cut = (StreamInterruptedException) failure;
      assertThat(cut.chunksReceived()).isEqualTo(3);
      assertThat(cut.partialText()).isEqualTo(seen.toString()).isEqualTo("the scripted endpoint ");
      assertThat(cut.retryable()).isTrue();
    }
  }
}
