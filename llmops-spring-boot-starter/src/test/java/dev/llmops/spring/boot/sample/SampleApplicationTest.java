package dev.llmops.spring.boot.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.spring.boot.MicrometerCallListener;
import dev.llmops.testkit.FakeChatModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample application starts as a real Spring Boot application (SpringApplication, sample.yml,
 * auto-configuration from the starter's imports file) and answers through the fake.
 */
class SampleApplicationTest {
  @Test
  void theSampleStartsWithTheStarterAndAnswersThroughTheFake() {
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(SampleApplication.class)
        .web(WebApplicationType.NONE)
        .properties("spring.config.name=sample", "spring.main.banner-mode=off")
        .initializers(c -> c.getBeanFactory().registerSingleton("meterRegistry", new SimpleMeterRegistry()))
        .run()) {
      SampleApplication.SupportService service = ctx.getBean(SampleApplication.SupportService.class);
      assertThat(service.answer("acme", "My internet is down")).isEqualTo("Restart the router, then try again.");

      assertThat(ctx.getBean(LlmClient.class).steps()).contains(PipelineStep.ADMISSION, PipelineStep.RESILIENCE);
      assertThat(ctx.getBean(FakeChatModel.class).lastRequest().messages()).hasSize(2);
      assertThat(ctx.getBeansOfType(MicrometerCallListener.class)).hasSize(1);
      assertThat(ctx.getBean(MeterRegistry.class).get("gen_ai.client.operation.duration").timer().count()).isEqualTo(1);
    }
  }
}
