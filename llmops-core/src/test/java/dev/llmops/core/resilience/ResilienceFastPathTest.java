package dev.llmops.core.resilience;

import static dev.llmops.core.resilience.Harness.base;
import static dev.llmops.core.resilience.Harness.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failsafe.CircuitBreaker;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.CircuitOpenException;
import dev.llmops.api.Completion;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.OverloadedException;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.LlmClient;
import dev.llmops.core.resilience.ScriptedModel.Fault;
import dev.llmops.core.resilience.ScriptedModel.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The first attempt on an endpoint runs without Failsafe, and Failsafe takes over only to retry:
 * the hand-over keeps Retry-After, the attempt count and the breaker exact, a call answered at
 * once leaves no timer behind, and extra Failsafe policies still see every attempt.
 */
class ResilienceFastPathTest {
  private static final ChatRequest HELLO = ChatRequest.of("hello");

  @Test
  void directFirstAttemptThenFailsafeRetriesHonourRetryAfterAndFeedTheBreaker() {
    Resilience r =
        base().maxAttempts(3).circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(2, Duration.ofMinutes(5))).build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.rateLimited(Duration.ofSeconds(2))).times(2);
      Instant start = h.clock.instant();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);

      // The direct first attempt failed; its Retry-After is the wait Failsafe scheduled.
      assertThat(h.smart.callCount()).isEqualTo(1);
      assertThat(h.scheduler.pendingDueTimes()).containsExactly(start.plusSeconds(2));
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.CLOSED);
      h.clock.advance(Duration.ofMillis(1999));
      assertThat(h.smart.callCount()).isEqualTo(1);
      h.clock.advance(Duration.ofMillis(1));
      // The second failure (the first one Failsafe ran) opens the breaker: both were recorded.
      assertThat(h.smart.callCount()).isEqualTo(2);
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.OPEN);
      h.clock.advance(Duration.ofSeconds(2));

      assertThat(failureOf(call)).isInstanceOf(CircuitOpenException.class);
      assertThat(h.smart.callCount()).isEqualTo(2);
      assertThat(h.events.events(Resilience.RetryScheduled.class))
          .containsExactly(
              new Resilience.RetryScheduled("smart", 1, Duration.ofSeconds(2), "rate_limited", true),
              new Resilience.RetryScheduled("smart", 2, Duration.ofSeconds(2), "rate_limited", true));
      assertThat(h.events.events(Recorder.Type.ATTEMPT_START)).hasSize(2);
      assertThat(h.events.events(Recorder.Type.ATTEMPT_FAILED)).hasSize(2);
      assertThat(h.scheduler.pending()).isZero();
      assertThat(h.step.activeCalls()).isZero();
    }
  }

  @Test
  void failsafeCountsTheReplayedFirstFailureSoMaxAttemptsIsExact() {
    try (Harness h = new Harness(base().maxAttempts(2).build())) {
      h.smart.failWith(Fault.overloaded()).always();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      h.clock.advance(Duration.ofMinutes(1));

      assertThat(failureOf(call)).isInstanceOf(OverloadedException.class);
      assertThat(h.smart.callCount()).isEqualTo(2);
      assertThat(h.events.events(Resilience.RetryScheduled.class)).hasSize(1);
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  @Test
  void anAnswerThatNeedsNoWaitingArmsNoTimer() {
    Resilience r =
        base()
            .deadline(Duration.ofSeconds(30))
            .attemptTimeout(Duration.ofSeconds(10))
            .circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(2, Duration.ofMinutes(5)))
            .bulkhead(1, Duration.ofSeconds(1))
            .build();
    Hand clock = new Hand();
    Hand manual = clock;
    AtomicInteger scheduled = new AtomicInteger();
    TaskScheduler counting = (task, delay) -> {
      scheduled.incrementAndGet();
      return manual.schedule(task, delay);
    };
    ScriptedModel smart = new ScriptedModel("smart", manual, Duration.ZERO);
    try (LlmClient client = LlmClient.builder().clock(clock).scheduler(counting).model("smart", smart).resilience(r).build()) {
      for (int i = 0; i < 3; i++) {
        assertThat(client.chat(HELLO).attempts()).isEqualTo(1);
      }
      assertThat(scheduled).hasValue(0);
      assertThat(smart.callCount()).isEqualTo(3); // the one bulkhead slot came back each time

      smart.enqueue(Reply.text("later").after(Duration.ofSeconds(1)));
      CompletableFuture<Completion> waiting = client.chatAsync(HELLO);
      assertThat(scheduled).hasValue(1); // the one timer of the call (the model schedules on the hand directly)
      assertThat(manual.pendingDueTimes()).containsExactly(clock.instant().plusSeconds(1), clock.instant().plusSeconds(10));
      clock.advance(Duration.ofSeconds(1));
      assertThat(waiting.join().text()).isEqualTo("later");
      assertThat(manual.pending()).isZero();
    }
  }

  @Test
  void aTimerArmedAfterTheModelReturnedStillCountsFromTheAttemptStart() {
    Resilience r = base().maxAttempts(1).deadline(Duration.ofSeconds(30)).attemptTimeout(Duration.ofSeconds(10)).build();
    try (Harness h = new Harness(r)) {
      h.smart.enqueue(Reply.text("late").after(Duration.ofSeconds(15)));
      Instant start = h.clock.instant();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);

      // One timer: the nearer of the deadline and the attempt timeout.
      assertThat(h.scheduler.pendingDueTimes()).contains(start.plusSeconds(10)).doesNotContain(start.plusSeconds(30));
      h.clock.advance(Duration.ofSeconds(10));
      assertThat(failureOf(call)).isInstanceOf(LlmTimeoutException.class).hasMessageContaining("attempt timeout");
      assertThat(h.smart.cancelledCount()).isEqualTo(1);
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  @Test
  void extraFailsafePoliciesSeeEveryAttemptTheFirstOneIncluded() {
    CircuitBreaker<ChatResponse> counting = CircuitBreaker.<ChatResponse>builder().withFailureThreshold(1000).build();
    try (Harness h = new Harness(base().failsafePolicy(counting).build())) {
      assertThat(h.client.chat(HELLO).attempts()).isEqualTo(1);
      assertThat(counting.getSuccessCount()).isEqualTo(1);

      h.smart.failWith(Fault.rateLimited(Duration.ofSeconds(2))).once();
      Instant start = h.clock.instant();
      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      assertThat(h.scheduler.pendingDueTimes()).containsExactly(start.plusSeconds(2));
      h.clock.advance(Duration.ofSeconds(2));

      assertThat(call.join().attempts()).isEqualTo(2);
      assertThat(counting.getFailureCount()).isEqualTo(1);
      assertThat(counting.getSuccessCount()).isEqualTo(2);
      assertThat(h.smart.callCount()).isEqualTo(3);
    }
  }
}
