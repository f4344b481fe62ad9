package dev.llmops.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llmops.api.ChatRequest;
import dev.llmops.core.LlmClient;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.FakeChatModel;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health of the model endpoints follows their circuit breakers. */
class LlmOpsHealthIndicatorTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LlmOpsAutoConfiguration.class))
      .withBean("smart", FakeChatModel.class, FakeChatModel::create)
      .withBean("cheap", FakeChatModel.class, FakeChatModel::create)
      .withPropertyValues("llmops.models.smart.provider=supplied", "llmops.models.cheap.provider=supplied");

  @Test
  void upWhileBreakersAreClosedDegradedOnceOneOpens() {
    runner.withPropertyValues("llmops.resilience.maxAttempts=1", "llmops.resilience.circuitBreaker.failures=2",
            "llmops.resilience.circuitBreaker.openDelay=1h")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(LlmOpsHealthIndicator.class);
          LlmOpsHealthIndicator health = ctx.getBean(LlmOpsHealthIndicator.class);
          Health before = health.health();
          assertThat(before.getStatus()).isEqualTo(Status.UP);
          assertThat(before.getDetails()).containsEntry("smart", "CLOSED").containsEntry("cheap", "CLOSED");

          ctx.getBean("smart", FakeChatModel.class).failWith(Fault.serverError(503)).always();
          LlmClient client = ctx.getBean(LlmClient.class);
          for (int i = 0; i < 2; i++) {
            assertThat(catchThrowable(() -> client.chat(ChatRequest.of("hi")))).isNotNull();
          }

          Health after = health.health();
          assertThat(after.getStatus()).isEqualTo(LlmOpsHealthIndicator.DEGRADED);
          assertThat(after.getDetails()).containsEntry("smart", "OPEN").containsEntry("cheap", "CLOSED");
        });
  }

  @Test
  void noResilienceSectionNoIndicator() {
    runner.run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(LlmOpsHealthIndicator.class));
  }
}
