package dev.llmops.core.resilience;

import static dev.llmops.core.resilience.Harness.base;
import static dev.llmops.core.resilience.Harness.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.AuthenticationException;
import dev.llmops.api.BulkheadFullException;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.CircuitOpenException;
import dev.llmops.api.Completion;
import dev.llmops.api.ContentFilteredException;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.core.LlmClient;
import dev.llmops.core.StreamingCall;
import dev.llmops.core.resilience.ScriptedModel.Fault;
import dev.llmops.core.resilience.ScriptedModel.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResilienceTest {
  private static final ChatRequest HELLO = ChatRequest.of("hello");

  // ---- Retry-After, backoff, classification ----

  @Test
  void rateLimitedWithRetryAfterIsRetriedAfterExactlyThatLongOfTestTime() {
    try (Harness h = new Harness(base().jitter(0.5).build())) {
      h.smart.failWith(Fault.rateLimited(Duration.ofSeconds(2))).once();
      Instant start = h.clock.instant();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);

      assertThat(call).isNotDone();
      assertThat(h.scheduler.pendingDueTimes()).contains(start.plusSeconds(2));
      h.clock.advance(Duration.ofMillis(1999));
      assertThat(call).isNotDone();
      assertThat(h.smart.callCount()).isEqualTo(1);
      h.clock.advance(Duration.ofMillis(1));
      assertThat(call).isCompleted();
      assertThat(h.smart.callCount()).isEqualTo(2);
      assertThat(call.join().attempts()).isEqualTo(2);
      assertThat(h.events.events(Resilience.RetryScheduled.class))
          .containsExactly(new Resilience.RetryScheduled("smart", 1, Duration.ofSeconds(2), "rate_limited", true));
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  @Test
  void retryAfterLongerThanTheMaximumWaitGivesTheEndpointUpAtOnce() {
    try (Harness h = new Harness(base().honourRetryAfter(Duration.ofSeconds(5)).build())) {
      h.smart.failWith(Fault.rateLimited(Duration.ofSeconds(6))).once();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);

      assertThat(failureOf(call)).isInstanceOf(RateLimitedException.class);
      assertThat(h.smart.callCount()).isEqualTo(1);
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  @Test
  void backoffIsExponentialWithJitterFromTheSeededRandomSource() {
    Resilience r = base().jitter(0.5).random(new SplittableRandom(7)).maxAttempts(3).build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.serverError(503)).times(2);
      SplittableRandom same = new SplittableRandom(7);
      long first = (long) (1e9 * (1 - 0.5 * same.nextDouble()));
      long second = (long) (2e9 * (1 - 0.5 * same.nextDouble()));

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      h.clock.advance(Duration.ofNanos(first - 1));
      assertThat(h.smart.callCount()).isEqualTo(1);
      h.clock.advance(Duration.ofNanos(1));
      assertThat(h.smart.callCount()).isEqualTo(2);
      h.clock.advance(Duration.ofNanos(second));

      assertThat(call.join().attempts()).isEqualTo(3);
      assertThat(h.events.events(Resilience.RetryScheduled.class))
          .extracting(Resilience.RetryScheduled::delay)
          .containsExactly(Duration.ofNanos(first), Duration.ofNanos(second));
      assertThat(first).isBetween(500_000_000L, 1_000_000_000L);
      assertThat(second).isBetween(1_000_000_000L, 2_000_000_000L);
    }
  }

  @Test
  void retriesStopAtMaxAttemptsAndSurfaceTheLastError() {
    try (Harness h = new Harness(base().maxAttempts(4).build())) {
      h.smart.failWith(Fault.overloaded()).always();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      h.clock.advance(Duration.ofMinutes(1));

      assertThat(failureOf(call)).isInstanceOf(ProviderUnavailableException.class);
      assertThat(h.smart.callCount()).isEqualTo(4);
      assertThat(h.events.events(Resilience.RetryScheduled.class)).hasSize(3);
    }
  }

  static List<Arguments> neverRetried() {
    return List.of(
        Arguments.of(Fault.invalidRequest(), InvalidRequestException.class, false),
        Arguments.of(Fault.contentFiltered(), ContentFilteredException.class, false),
        Arguments.of(Fault.authentication(), AuthenticationException.class, true),
        Arguments.of(Fault.quotaExhausted(), QuotaExhaustedException.class, true));
  }

  @ParameterizedTest
  @MethodSource("neverRetried")
  void requestErrorsAreNeverRetriedAndFallBackOnlyWhenAnotherEndpointMayHelp(
      Fault fault, Class<? extends LlmException> type, boolean fallsBack) {
    try (Harness h = new Harness(base().build());
        Harness withFallback = new Harness(base().fallbackTo("cheap").build())) {
      h.smart.failWith(fault).once();
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(type);
      assertThat(h.smart.callCount()).isEqualTo(1);

      withFallback.smart.failWith(fault).once();
      CompletableFuture<Completion> call = withFallback.client.chatAsync(HELLO);
      assertThat(withFallback.smart.callCount()).isEqualTo(1);
      if (fallsBack) {
        assertThat(call.join().endpoint()).isEqualTo("cheap");
      } else {
        assertThat(failureOf(call)).isInstanceOf(type);
        assertThat(withFallback.cheap.callCount()).isZero();
      }
    }
  }

  // ---- fallback ----

  @Test
  void insufficientQuotaFallsBackWithoutRetryAndRecordsWhoAnsweredAndWhy() {
    try (Harness h = new Harness(base().fallbackTo("cheap").build())) {
      h.smart.failWith(Fault.quotaExhausted()).once();
      h.cheap.reply("from cheap");

      Completion c = h.client.chat(HELLO);

      assertThat(c.text()).isEqualTo("from cheap");
      assertThat(c.endpoint()).isEqualTo("cheap");
      assertThat(c.attempts()).isEqualTo(2);
      Resilience.FallbackTaken expected = new Resilience.FallbackTaken("smart", "cheap", "quota_exhausted");
      assertThat(c.attribute(Resilience.FALLBACK)).contains(expected);
      assertThat(h.events.events(Resilience.FallbackTaken.class)).containsExactly(expected);
      assertThat(h.events.events(Resilience.RetryScheduled.class)).isEmpty();
      assertThat(h.cheap.lastRequest().model()).isEqualTo("cheap");
    }
  }

  @Test
  void fallbackEndpointGetsItsOwnRetriesAfterThePrimaryIsExhausted() {
    try (Harness h = new Harness(base().maxAttempts(2).fallbackTo("cheap").build())) {
      h.smart.failWith(Fault.serverError(502)).always();
      h.cheap.failWith(Fault.serverError(503)).once();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      h.clock.advance(Duration.ofSeconds(10));

      assertThat(call.join().endpoint()).isEqualTo("cheap");
      assertThat(h.smart.callCount()).isEqualTo(2);
      assertThat(h.cheap.callCount()).isEqualTo(2);
      assertThat(call.join().attribute(Resilience.FALLBACK)).contains(new Resilience.FallbackTaken("smart", "cheap", "unavailable"));
    }
  }

  // ---- deadline and attempt timeout ----

  @Test
  void deadlineBeatsALongRetryAfterFailingFastInsteadOfWaiting() {
    Resilience r = base().honourRetryAfter(Duration.ofMinutes(5)).deadline(Duration.ofSeconds(10)).build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.rateLimited(Duration.ofSeconds(60))).once();
      Instant start = h.clock.instant();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);

      assertThat(failureOf(call)).isInstanceOf(RateLimitedException.class);
      assertThat(h.clock.instant()).isEqualTo(start);
      assertThat(h.smart.callCount()).isEqualTo(1);
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  @Test
  void deadlineBeatsALongRetryAfterByFallingBack() {
    Resilience r = base().deadline(Duration.ofSeconds(10)).fallbackTo("cheap").build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.rateLimited(Duration.ofSeconds(30))).once();

      Completion c = h.client.chat(HELLO);

      assertThat(c.endpoint()).isEqualTo("cheap");
      assertThat(c.attribute(Resilience.FALLBACK)).contains(new Resilience.FallbackTaken("smart", "cheap", "rate_limited"));
    }
  }

  @Test
  void deadlineCancelsTheAttemptInFlightAndFailsTheCall() {
    try (Harness h = new Harness(base().deadline(Duration.ofSeconds(5)).build())) {
      h.smart.failWith(Fault.hang()).once();

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      h.clock.advance(Duration.ofMillis(4999));
      assertThat(call).isNotDone();
      h.clock.advance(Duration.ofMillis(1));

      assertThat(failureOf(call)).isInstanceOf(LlmTimeoutException.class).hasMessageContaining("deadline");
      assertThat(h.smart.cancelledCount()).isEqualTo(1);
      assertThat(h.smart.inFlight()).isZero();
      assertThat(h.events.types(h.events.events(Recorder.Type.CALL_START).get(0).callId()))
          .containsExactly(Recorder.Type.CALL_START, Recorder.Type.ATTEMPT_START, Recorder.Type.ATTEMPT_FAILED, Recorder.Type.CALL_FAILED);
      assertThat(h.scheduler.pending()).isZero();
      assertThat(h.step.activeCalls()).isZero();
    }
  }

  @Test
  void attemptTimeoutCancelsJustTheAttemptAndRetries() {
    Resilience r = base().attemptTimeout(Duration.ofSeconds(2)).deadline(Duration.ofSeconds(30)).build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.hang()).once();
      h.smart.reply("second time lucky");

      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      h.clock.advance(Duration.ofSeconds(2));
      assertThat(h.smart.cancelledCount()).isEqualTo(1);
      h.clock.advance(Duration.ofSeconds(1)); // the backoff, at most 1 s

      assertThat(call.join().text()).isEqualTo("second time lucky");
      assertThat(h.events.events(Recorder.Type.ATTEMPT_FAILED))
          .singleElement()
          .satisfies(e -> assertThat(e.error()).isInstanceOf(LlmTimeoutException.class));
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  // ---- circuit breaker (its open delay runs on the client's clock) ----

  @Test
  void breakerOpensRejectsHalfOpensAndCloses() throws Exception {
    List<Resilience.CircuitState> transitions = new CopyOnWriteArrayList<>();
    Resilience r =
        base()
            .maxAttempts(1)
            .circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(2, Duration.ofSeconds(30)))
            .onCircuitStateChange((endpoint, state) -> transitions.add(state))
            .build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.serverError(500)).times(2);
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(ProviderUnavailableException.class);
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.CLOSED);
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(ProviderUnavailableException.class);
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.OPEN);

      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(CircuitOpenException.class);
      assertThat(h.smart.callCount()).isEqualTo(2);

      // One millisecond short of the open delay on the client's clock: still open.
      h.clock.advance(Duration.ofSeconds(30).minusMillis(1));
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(CircuitOpenException.class);
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.OPEN);
      assertThat(h.smart.callCount()).isEqualTo(2);

      h.clock.advance(Duration.ofMillis(1));
      assertThat(probeSucceeds(h.client).call()).as("the probe after the delay").isTrue();

      assertThat(transitions).containsExactly(Resilience.CircuitState.OPEN, Resilience.CircuitState.HALF_OPEN, Resilience.CircuitState.CLOSED);
      assertThat(h.smart.callCount()).isEqualTo(3);
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.CLOSED);
    }
  }

  @Test
  void openBreakerSkipsStraightToFallback() {
    Resilience r =
        base()
            .maxAttempts(1)
            .circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(1, Duration.ofMinutes(1)))
            .fallbackTo("cheap")
            .build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.serverError(500)).once();
      assertThat(h.client.chat(HELLO).endpoint()).isEqualTo("cheap");

      Completion c = h.client.chat(HELLO);

      assertThat(c.endpoint()).isEqualTo("cheap");
      assertThat(c.attempts()).isEqualTo(1);
      assertThat(c.attribute(Resilience.FALLBACK)).contains(new Resilience.FallbackTaken("smart", "cheap", "circuit_open"));
      assertThat(h.smart.callCount()).isEqualTo(1);
    }
  }

  @Test
  void cancelledHalfOpenProbeNeverLeavesTheBreakerStuckHalfOpen() throws Exception {
    Resilience r =
        base().maxAttempts(1).circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(1, Duration.ofSeconds(10))).build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.serverError(500)).once();
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(ProviderUnavailableException.class);
      h.smart.failWith(Fault.hang()).once();
      h.clock.advance(Duration.ofSeconds(10));
      CompletableFuture<Completion> probe = h.client.chatAsync(HELLO);
      assertThat(probe).isNotDone();
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.HALF_OPEN);
      // The one probe is out: a second call is turned away while it runs.
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(CircuitOpenException.class);

      probe.cancel(true);

      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.OPEN);
      assertThat(h.smart.cancelledCount()).isEqualTo(1);
      // Open again, for a whole new delay from the cancellation on.
      h.clock.advance(Duration.ofSeconds(10).minusMillis(1));
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(CircuitOpenException.class);
      h.clock.advance(Duration.ofMillis(1));
      assertThat(probeSucceeds(h.client).call()).isTrue();
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.CLOSED);
    }
  }

  private static java.util.concurrent.Callable<Boolean> probeSucceeds(LlmClient client) {
    return () -> {
      CompletableFuture<Completion> c = client.chatAsync(HELLO);
      return c.isDone() && !c.isCompletedExceptionally();
    };
  }

  // ---- bulkhead ----

  @Test
  void bulkheadShedsWhenNoSlotFreesWithinTheBoundedWait() {
    try (Harness h = new Harness(base().bulkhead(1, Duration.ofSeconds(1)).build())) {
      h.smart.enqueue(Reply.text("slow").after(Duration.ofSeconds(5)));

      CompletableFuture<Completion> first = h.client.chatAsync(HELLO);
      CompletableFuture<Completion> second = h.client.chatAsync(HELLO);
      assertThat(second).isNotDone();
      h.clock.advance(Duration.ofSeconds(1));

      assertThat(failureOf(second)).isInstanceOf(BulkheadFullException.class);
      assertThat(h.smart.callCount()).isEqualTo(1);
      h.clock.advance(Duration.ofSeconds(4));
      assertThat(first.join().text()).isEqualTo("slow");
      assertThat(h.client.chat(HELLO).attempts()).isEqualTo(1); // the slot came back
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  @Test
  void bulkheadWaiterGetsTheSlotWhenItFreesUp() {
    try (Harness h = new Harness(base().bulkhead(1, Duration.ofSeconds(10)).build())) {
      h.smart.enqueue(Reply.text("one").after(Duration.ofSeconds(3)), Reply.text("two").after(Duration.ofSeconds(3)));

      CompletableFuture<Completion> first = h.client.chatAsync(HELLO);
      CompletableFuture<Completion> second = h.client.chatAsync(HELLO);
      h.clock.advance(Duration.ofSeconds(3));
      assertThat(first.join().text()).isEqualTo("one");
      assertThat(second).isNotDone();
      h.clock.advance(Duration.ofSeconds(3));

      assertThat(second.join().text()).isEqualTo("two");
      assertThat(h.smart.maxInFlight()).isEqualTo(1);
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  @Test
  void fullBulkheadWithoutWaitFallsBack() {
    try (Harness h = new Harness(base().bulkhead(1, Duration.ZERO).fallbackTo("cheap").build())) {
      h.smart.failWith(Fault.hang()).once();
      CompletableFuture<Completion> first = h.client.chatAsync(HELLO);

      Completion second = h.client.chat(HELLO);

      assertThat(second.attribute(Resilience.FALLBACK)).contains(new Resilience.FallbackTaken("smart", "cheap", "bulkhead_full"));
      first.cancel(true);
      assertThat(h.client.chat(HELLO).endpoint()).isEqualTo("smart"); // the cancelled call returned its slot
    }
  }

  // ---- cancellation ----

  @Test
  void cancellationIsNeverRetriedAndLeavesNoTaskBehind() {
    Resilience r = base().deadline(Duration.ofSeconds(30)).attemptTimeout(Duration.ofSeconds(10)).fallbackTo("cheap").build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.hang()).once();
      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      assertThat(h.scheduler.pending()).isPositive();

      call.cancel(true);

      assertThat(failureOf(call)).isInstanceOf(CancellationException.class);
      assertThat(h.scheduler.pending()).isZero();
      assertThat(h.step.activeCalls()).isZero();
      h.clock.advance(Duration.ofMinutes(1));
      assertThat(h.smart.callCount()).isEqualTo(1);
      assertThat(h.cheap.callCount()).isZero();
    }
  }

  @Test
  void cancellationDuringARetryWaitDropsTheScheduledRetry() {
    try (Harness h = new Harness(base().build())) {
      h.smart.failWith(Fault.rateLimited(Duration.ofSeconds(20))).once();
      CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
      assertThat(h.scheduler.pending()).isEqualTo(1);

      call.cancel(true);

      assertThat(h.scheduler.pending()).isZero();
      h.clock.advance(Duration.ofMinutes(1));
      assertThat(h.smart.callCount()).isEqualTo(1);
    }
  }

  // ---- streaming ----

  @Test
  void streamCutBeforeTheFirstChunkIsRetriedWithoutDuplicatingAnything() {
    try (Harness h = new Harness(base().build())) {
      h.smart.enqueue(
          Reply.text("alpha beta gamma").withStreamFault(Fault.streamCutAfter(0)), Reply.text("alpha beta gamma"));
      StringBuilder seen = new StringBuilder();

      StreamingCall call = h.client.stream(HELLO, chunk -> seen.append(chunk.textDelta()));
      h.clock.advance(Duration.ofSeconds(1));

      assertThat(call.completion().join().text()).isEqualTo("alpha beta gamma");
      assertThat(seen.toString()).isEqualTo("alpha beta gamma");
      assertThat(h.smart.callCount()).isEqualTo(2);
    }
  }

  @Test
  void streamCutAfterTheFirstChunkSurfacesAsInterruptedWithThePartialText() {
    try (Harness h = new Harness(base().fallbackTo("cheap").build())) {
      h.smart.enqueue(Reply.text("alpha beta gamma").withStreamFault(Fault.streamCutAfter(2)));
      List<ChatChunk> seen = new CopyOnWriteArrayList<>();

      StreamingCall call = h.client.stream(HELLO, seen::add);
      h.clock.advance(Duration.ofMinutes(1));

      Throwable failure = failureOf(call.completion());
      assertThat(failure).isInstanceOf(StreamInterruptedException.class);
      assertThat(((StreamInterruptedException) failure).partialText()).isEqualTo("alpha beta ");
      assertThat(seen).extracting(ChatChunk::textDelta).containsExactly("alpha ", "beta ");
      assertThat(h.smart.callCount()).isEqualTo(1);
      assertThat(h.cheap.callCount()).isZero();
    }
  }

  @Test
  void deadlineAfterTheFirstChunkSurfacesAsInterruptedWithThePartialText() {
    Resilience r = base().deadline(Duration.ofSeconds(5)).attemptTimeout(Duration.ofSeconds(1)).build();
    try (Harness h = new Harness(r, Duration.ofSeconds(1))) {
      h.smart.reply("one two three four five six seven eight nine ten");
      StringBuilder seen = new StringBuilder();

      StreamingCall call = h.client.stream(HELLO, chunk -> seen.append(chunk.textDelta()));
      h.clock.advance(Duration.ofSeconds(5));

      Throwable failure = failureOf(call.completion());
      assertThat(failure).isInstanceOf(StreamInterruptedException.class).hasCauseInstanceOf(LlmTimeoutException.class);
      assertThat(((StreamInterruptedException) failure).partialText())
          .isEqualTo(seen.toString())
          .isEqualTo("one two three four five "); // chunks at 0..4 s; the deadline timer precedes the 5 s chunk
      assertThat(h.smart.callCount()).isEqualTo(1);
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  /** Found by the chaos property: a retry with no wait used to run inline and be cancelled by Failsafe. */
  @Test
  void retryWithoutWaitRunsOnTheSchedulerAndEveryAttemptIsReported() {
    Resilience r = base().deadline(Duration.ofSeconds(2)).build();
    try (Harness h = new Harness(r, Duration.ofMillis(400))) {
      h.smart.failWith(Fault.rateLimited(Duration.ZERO)).once();

      StreamingCall call = h.client.stream(HELLO, chunk -> {});
      h.clock.advance(Duration.ofSeconds(2));

      assertThat(failureOf(call.completion())).isInstanceOf(StreamInterruptedException.class);
      assertThat(h.events.events(Recorder.Type.ATTEMPT_START)).hasSize(2);
      assertThat(h.events.events(Recorder.Type.ATTEMPT_FAILED)).hasSize(2);
      assertThat(h.smart.inFlight()).isZero();
      assertThat(h.scheduler.pending()).isZero();
    }
  }

  // ---- installation ----

  @Test
  void builderInstallsTheStepAndChecksFallbackNames() {
    Supplier<LlmClient.Builder> b = () -> LlmClient.builder().model("smart", new ScriptedModel("smart", new Hand(), Duration.ZERO));
    try (LlmClient client = b.get().resilience(Resilience.defaults()).build()) {
      assertThat(client.steps()).containsExactly(dev.llmops.core.PipelineStep.RESILIENCE);
      assertThat(client.chat(HELLO).attempts()).isEqualTo(1);
    }
    assertThatThrownBy(() -> b.get().resilience(Resilience.builder().fallbackTo("nope").build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'nope'");
    assertThatThrownBy(() -> Resilience.builder().maxAttempts(0)).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> Resilience.builder().jitter(1.5)).hasMessageContaining("jitter");
    assertThatThrownBy(() -> Resilience.builder().deadline(Duration.ZERO)).hasMessageContaining("deadline");
  }
}
