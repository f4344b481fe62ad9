package dev.llmops.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.Interceptor;
import dev.llmops.core.LlmClient;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A step below the cache and resilience may hand back any {@link CompletionStage}, even the minimal
 * stage of {@code CompletableFuture.minimalCompletionStage()}, whose queries throw: the steps
 * above take their no-waiting fast path only for a stage they may query.
 */
class MinimalStageTest {
  private static final Interceptor MINIMAL = chain -> {
    CompletionStage<ChatResponse> stage = chain.proceed(chain.request());
    return stage.toCompletableFuture().minimalCompletionStage();
  };

  @Test
  void answersCachesAndRetriesThroughAMinimalStage() {
    FakeChatModel model = FakeChatModel.builder().modelId("m").build();
    model.failWith(Fault.serverError(503)).times(1);
    model.when(r -> true).reply("Paris");
    try (LlmClient client = LlmClient.builder()
        .model("m", model)
        .cache(ResponseCache.builder().build())
        .resilience(Resilience.builder().maxAttempts(2).backoff(java.time.Duration.ZERO, java.time.Duration.ZERO).build())
        .attemptInterceptor(MINIMAL)
        .build()) {
      ChatRequest request = ChatRequest.builder().user("Capital of France?").temperature(0).build();

      Completion first = client.chat(request);
      assertThat(first.text()).isEqualTo("Paris");
      assertThat(model.callCount()).isEqualTo(2); // one failure, retried once

      Completion second = client.chat(request);
      assertThat(second.text()).isEqualTo("Paris");
      assertThat(second.attribute(ResponseCache.HIT)).isPresent(); // stored from the minimal stage
      assertThat(model.callCount()).isEqualTo(2);
    }
  }
}
