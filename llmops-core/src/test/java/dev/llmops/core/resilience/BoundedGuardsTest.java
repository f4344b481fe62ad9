package dev.llmops.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.FinishReason;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, bounded memory: the step keeps one circuit breaker and bulkhead per endpoint the
 * client was built with, never one per model name a request carries. Before, every distinct name
 * made a guard that was kept forever (50k unknown names held about 35 MB).
 */
class BoundedGuardsTest {
  private static final ChatModel ANSWERS =
      (request, exchange) -> CompletableFuture.completedFuture(
          ChatResponse.of("r", "m", "ok", FinishReason.STOP, Usage.of(1, 1)));

  @Test
  void aHundredThousandUnknownModelNamesAreRejectedAndLeaveNoGuardBehind() {
    Resilience resilience =
        Resilience.builder()
            .circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(3, Duration.ofSeconds(30)))
            .bulkhead(8, Duration.ZERO)
            .fallbackTo("cheap")
            .build();
    try (LlmClient client =
        LlmClient.builder().model("smart", ANSWERS).model("cheap", ANSWERS).resilience(resilience).build()) {
      ResilienceInterceptor step = resilience.installed().get(0);
      assertThat(step.guardCount()).isEqualTo(2);

      int rejected = 0;
      for (int i = 0; i < 100_000; i++) {
        CompletableFuture<Completion> call = client.chatAsync(ChatRequest.of("hi").withModel("unknown-" + i));
        if (call.isCompletedExceptionally()) {
          rejected++;
        }
      }

      assertThat(rejected).isEqualTo(100_000);
      assertThat(step.guardCount()).isEqualTo(2);
      assertThat(step.activeCalls()).isZero();
      assertThat(resilience.circuitState("unknown-7")).isEqualTo(Resilience.CircuitState.CLOSED);
      assertThat(step.guardCount()).isEqualTo(2); // reading a state makes no guard either
      assertThat(client.chat(ChatRequest.of("hi").withModel("smart")).text()).isEqualTo("ok");
      assertThat(client.chat(ChatRequest.of("hi")).endpoint()).isEqualTo("smart");
    }
  }

  @Test
  void anUnknownModelFailsWithAnErrorNamingItAndIsNeitherRetriedNorFallenBackFrom() {
    Resilience resilience = Resilience.builder().maxAttempts(3).fallbackTo("cheap").build();
    try (LlmClient client =
        LlmClient.builder().model("smart", ANSWERS).model("cheap", ANSWERS).resilience(resilience).build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.of("hi").withModel("gpt-9-preview")))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("'gpt-9-preview'")
          .hasMessageContaining("[cheap, smart]");
      assertThat(resilience.installed().get(0).guardCount()).isEqualTo(2);
    }
  }
}
