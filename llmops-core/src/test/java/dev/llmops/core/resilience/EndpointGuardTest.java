package dev.llmops.core.resilience;

import static dev.llmops.core.resilience.Harness.base;
import static dev.llmops.core.resilience.Harness.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.BulkheadFullException;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.CircuitOpenException;
import dev.llmops.api.Completion;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.core.resilience.ScriptedModel.Fault;
import dev.llmops.core.resilience.ScriptedModel.Reply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What the breaker counts and when, and how bulkhead slots come back, seen through a client. */
class EndpointGuardTest {
  private static final ChatRequest HELLO = ChatRequest.of("hello");

  private static Resilience.Builder breaker(CircuitBreakerPolicy policy) {
    return base().maxAttempts(1).circuitBreaker(policy);
  }

  @Test
  void aRejectedRequestCountsAsASuccessForTheBreaker() {
    Resilience r = breaker(CircuitBreakerPolicy.consecutiveFailures(2, Duration.ofMinutes(1))).build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.serverError(500)).once();
      h.smart.failWith(Fault.invalidRequest()).once();
      h.smart.failWith(Fault.serverError(500)).once();

      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(ProviderUnavailableException.class);
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(InvalidRequestException.class);
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(ProviderUnavailableException.class);

      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.CLOSED);
    }
  }

  @Test
  void exhaustedQuotaCountsAgainstTheEndpoint() {
    Resilience r = breaker(CircuitBreakerPolicy.consecutiveFailures(1, Duration.ofMinutes(1))).build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.quotaExhausted()).once();

      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(QuotaExhaustedException.class);

      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.OPEN);
      assertThat(h.step.circuitState("cheap")).isEqualTo(Resilience.CircuitState.CLOSED);
    }
  }

  @Test
  void aCancelledAttemptIsNotCountedWhileTheBreakerIsClosed() {
    Resilience r = breaker(CircuitBreakerPolicy.consecutiveFailures(1, Duration.ofMinutes(1))).build();
    try (Harness h = new Harness(r)) {
      h.smart.failWith(Fault.hang()).times(2);
      for (int i = 0; i < 2; i++) {
        CompletableFuture<Completion> call = h.client.chatAsync(HELLO);
        call.cancel(true);
      }

      assertThat(h.smart.cancelledCount()).isEqualTo(2);
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.CLOSED);
      assertThat(h.client.chat(HELLO).endpoint()).isEqualTo("smart");
    }
  }

  @Test
  void aHalfOpenBreakerNeedsItsSuccessThresholdOfProbesAndAFailedProbeOpensItAgain() {
    CircuitBreakerPolicy policy = CircuitBreakerPolicy.consecutiveFailures(1, Duration.ofSeconds(10)).withSuccessThreshold(2);
    try (Harness h = new Harness(breaker(policy).build())) {
      h.smart.failWith(Fault.serverError(503)).once();
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(ProviderUnavailableException.class);
      h.clock.advance(Duration.ofSeconds(10));

      assertThat(h.client.chat(HELLO).endpoint()).isEqualTo("smart");
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.HALF_OPEN);
      h.smart.failWith(Fault.serverError(503)).once();
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(ProviderUnavailableException.class);
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.OPEN);
      assertThat(failureOf(h.client.chatAsync(HELLO))).isInstanceOf(CircuitOpenException.class);

      h.clock.advance(Duration.ofSeconds(10));
      h.client.chat(HELLO);
      h.client.chat(HELLO);
      assertThat(h.step.circuitState("smart")).isEqualTo(Resilience.CircuitState.CLOSED);
    }
  }

  @Test
  void installedInTwoClientsTheStateIsTheMostOpenOfTheirsAndActiveCallsAddUp() {
    Resilience r = breaker(CircuitBreakerPolicy.consecutiveFailures(1, Duration.ofSeconds(10))).build();
    try (Harness one = new Harness(r);
        Harness two = new Harness(r)) {
      one.smart.failWith(Fault.serverError(500)).once();
      assertThat(failureOf(one.client.chatAsync(HELLO))).isInstanceOf(ProviderUnavailableException.class);
      assertThat(r.circuitState("smart")).isEqualTo(Resilience.CircuitState.OPEN);

      two.smart.failWith(Fault.serverError(500)).once();
      assertThat(failureOf(two.client.chatAsync(HELLO))).isInstanceOf(ProviderUnavailableException.class);
      two.clock.advance(Duration.ofSeconds(10));
      two.smart.failWith(Fault.hang()).once();
      CompletableFuture<Completion> probe = two.client.chatAsync(HELLO);
      assertThat(r.installed().get(1).circuitState("smart")).isEqualTo(Resilience.CircuitState.HALF_OPEN);
      assertThat(r.circuitState("smart")).isEqualTo(Resilience.CircuitState.OPEN); // the first client's is still open
      assertThat(r.activeCalls()).isEqualTo(1);

      one.smart.failWith(Fault.hang()).once();
      one.clock.advance(Duration.ofSeconds(10));
      CompletableFuture<Completion> other = one.client.chatAsync(HELLO);
      assertThat(r.circuitState("smart")).isEqualTo(Resilience.CircuitState.HALF_OPEN);
      assertThat(r.activeCalls()).isEqualTo(2);
      assertThat(r.circuitState("cheap")).isEqualTo(Resilience.CircuitState.CLOSED);

      probe.cancel(true);
      other.cancel(true);
      assertThat(r.activeCalls()).isZero();
    }
  }

  @Test
  void aCallCancelledWhileWaitingForASlotLeavesTheQueueAndTheSlotGoesToTheNext() {
    try (Harness h = new Harness(base().bulkhead(1, Duration.ofSeconds(10)).build())) {
      h.smart.enqueue(Reply.text("one").after(Duration.ofSeconds(2)), Reply.text("three").after(Duration.ofSeconds(1)));
      CompletableFuture<Completion> first = h.client.chatAsync(HELLO);
      CompletableFuture<Completion> second = h.client.chatAsync(HELLO);
      CompletableFuture<Completion> third = h.client.chatAsync(HELLO);
      assertThat(h.scheduler.pending()).isEqualTo(3); // the first answer and two waits for a slot

      second.cancel(true);
      assertThat(h.scheduler.pending()).isEqualTo(2); // its wait went with it

      h.clock.advance(Duration.ofSeconds(2));
      assertThat(first.join().text()).isEqualTo("one");
      h.clock.advance(Duration.ofSeconds(1));
      assertThat(third.join().text()).isEqualTo("three");
      assertThat(h.smart.callCount()).isEqualTo(2);
      assertThat(h.smart.maxInFlight()).isEqualTo(1);
      assertThat(h.scheduler.pending()).isZero();
      assertThat(h.client.chat(HELLO).attempts()).isEqualTo(1); // the slot is free again
    }
  }

  @Test
  void aFullBulkheadWithNoWaitShedsAtOnceNamingTheEndpoint() {
    try (Harness h = new Harness(base().bulkhead(1, Duration.ZERO).build())) {
      h.smart.failWith(Fault.hang()).once();
      CompletableFuture<Completion> first = h.client.chatAsync(HELLO);

      assertThat(failureOf(h.client.chatAsync(HELLO)))
          .isInstanceOf(BulkheadFullException.class)
          .hasMessageContaining("'smart'");
      assertThat(h.scheduler.pending()).isZero();
      first.cancel(true);
      assertThat(h.client.chat(HELLO).endpoint()).isEqualTo("smart");
    }
  }
}
