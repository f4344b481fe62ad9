package dev.llmops.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.core.LlmClient;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.TestClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Micrometer meters of calls: what a registry holds after calls through the auto-configured client. */
class MicrometerCallListenerTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LlmOpsAutoConfiguration.class))
      .withPropertyValues("llmops.models.smart.provider=supplied", "llmops.accounting.catalog=bundled");

  @Configuration(proxyBeanMethods = false)
  static class ModelAndRegistry {
    @Bean
    FakeChatModel smart() {
      // gpt-4o is in the bundled price catalog, so calls have a known cost.
      return FakeChatModel.builder().modelId("gpt-4o").provider("openai").build();
    }

    @Bean
    MeterRegistry registry() {
      return new SimpleMeterRegistry();
    }
  }

  @Test
  void callsTokensAndCostBecomeMetersWithTheOpenTelemetryNamesAndAttributes() {
    runner.withUserConfiguration(ModelAndRegistry.class).run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(MicrometerCallListener.class);
      LlmClient client = ctx.getBean(LlmClient.class);
      FakeChatModel model = ctx.getBean(FakeChatModel.class);
      model.reply("one two three");
      model.reply("four five");
      Completion a = client.chat(ChatRequest.of("first question"), CallContext.ofTenant("acme"));
      Completion b = client.chat(ChatRequest.of("second"), CallContext.ofTenant("acme"));

      MeterRegistry registry = ctx.getBean(MeterRegistry.class);
      Timer duration = registry.get("gen_ai.client.operation.duration")
          .tag("gen_ai.operation.name", "chat").tag("gen_ai.provider.name", "openai")
          .tag("gen_ai.request.model", "gpt-4o").tag("error.type", "none").timer();
      assertThat(duration.count()).isEqualTo(2);

      DistributionSummary input = registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary();
      DistributionSummary output = registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "output").summary();
      assertThat((long) input.totalAmount()).isEqualTo(a.usage().inputTokens() + b.usage().inputTokens());
      assertThat((long) output.totalAmount()).isEqualTo(a.usage().outputTokens() + b.usage().outputTokens());

      double paid = a.attribute(Cost.KEY).orElseThrow().total().amount().doubleValue()
          + b.attribute(Cost.KEY).orElseThrow().total().amount().doubleValue();
      assertThat(paid).isPositive();
      Counter cost = registry.get("llmops.client.cost").tag("gen_ai.request.model", "gpt-4o").counter();
      assertThat(cost.count()).isCloseTo(paid, org.assertj.core.data.Offset.offset(1e-12));
      // no tenant tag unless asked: tenants can be many
      assertThat(cost.getId().getTag("llmops.tenant")).isNull();
    });
  }

  @Test
  void aFailedCallIsTimedUnderItsErrorTypeAndAQuotaRejectionIsCounted() {
    runner.withUserConfiguration(ModelAndRegistry.class)
        .withPropertyValues("llmops.micrometer.tenantTag=true")
        .run(ctx -> {
          FakeChatModel model = ctx.getBean(FakeChatModel.class);
          model.failNext(1, Fault.quotaExhausted());
          LlmClient client = ctx.getBean(LlmClient.class);
          assertThatThrownBy(() -> client.chat(ChatRequest.of("hi"), CallContext.ofTenant("acme")))
              .isInstanceOf(QuotaExhaustedException.class);
          MeterRegistry registry = ctx.getBean(MeterRegistry.class);
          Timer failed = registry.get("gen_ai.client.operation.duration").timer();
          assertThat(failed.getId().getTag("error.type")).isNotEqualTo("none");
          assertThat(failed.count()).isEqualTo(1);
          Counter rejections = registry.get("llmops.client.budget.rejections").counter();
          assertThat(rejections.count()).isEqualTo(1);
          assertThat(rejections.getId().getTag("llmops.rejection.reason")).isEqualTo("QuotaExhaustedException");
          assertThat(rejections.getId().getTag("llmops.tenant")).isEqualTo("acme");
          assertThat(registry.find("gen_ai.client.token.usage").summary()).as("no response, no token usage").isNull();
        });
  }

  @Test
  void streamedCallsRecordTheTimeToTheFirstChunkOnTheClientsClock() {
    TestClock clock = TestClock.create();
    MeterRegistry registry = new SimpleMeterRegistry();
    FakeChatModel model = FakeChatModel.create();
    model.reply("a streamed answer");
    MicrometerCallListener listener = MicrometerCallListener.builder(registry).clock(clock).build();
    try (LlmClient client = LlmClient.builder().model("m", model).clock(clock).listener(listener).build()) {
      client.stream(ChatRequest.of("hi"), CallContext.empty(), chunk -> clock.advance(Duration.ofMillis(40)))
          .completion().join();
    }
    Timer ttfc = registry.get("gen_ai.client.operation.time_to_first_chunk").timer();
    assertThat(ttfc.count()).isEqualTo(1);
    Timer total = registry.get("gen_ai.client.operation.duration").timer();
    assertThat(total.totalTime(TimeUnit.MILLISECONDS)).isGreaterThan(ttfc.totalTime(TimeUnit.MILLISECONDS));
  }

  @Test
  void noRegistryOrSwitchedOffMeansNoListener() {
    runner.withBean("smart", FakeChatModel.class, FakeChatModel::create)
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MicrometerCallListener.class));
    runner.withUserConfiguration(ModelAndRegistry.class).withPropertyValues("llmops.micrometer.enabled=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MicrometerCallListener.class));
  }
}
