package dev.llmops.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.ConfigurationException;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.config.LlmOpsComponents;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.RecordingListener;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration in application contexts, with no network: models are testkit fakes. */
class LlmOpsAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LlmOpsAutoConfiguration.class));

  @Configuration(proxyBeanMethods = false)
  static class FakeModels {
    @Bean
    FakeChatModel smart() {
      return FakeChatModel.builder().modelId("smart-1").build().reply("from smart");
    }

    @Bean
    FakeChatModel cheap() {
      return FakeChatModel.builder().modelId("cheap-1").build().reply("from cheap");
    }
  }

  @Test
  void aClientFromPropertiesAnswersThroughSuppliedModelBeans() {
    runner.withUserConfiguration(FakeModels.class)
        .withPropertyValues(
            "llmops.models.smart.provider=supplied",
            "llmops.models.cheap.provider=supplied",
            "llmops.defaultModel=cheap",
            "llmops.resilience.maxAttempts=2",
            "llmops.resilience.fallbacks[0]=smart",
            "llmops.cache.maximumSize=10")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(LlmClient.class).hasSingleBean(LlmOpsComponents.class);
          LlmClient client = ctx.getBean(LlmClient.class);
          assertThat(client.steps()).contains(PipelineStep.RESILIENCE, PipelineStep.CACHE);
          assertThat(client.chat(ChatRequest.of("hi")).text()).isEqualTo("from cheap");
          assertThat(client.chat(ChatRequest.builder().model("smart").user("hi").build()).text()).isEqualTo("from smart");
        });
  }

  /** application.yml holds the file's own YAML under llmops: lists, typed numbers, inline experiments. */
  @Test
  void anApplicationYamlReadsAsTheConfigurationFile() {
    runner.withUserConfiguration(FakeModels.class)
        .withInitializer(new ConfigDataApplicationContextInitializer())
        .withPropertyValues("spring.config.name=llmops-yaml-test")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          LlmClient client = ctx.getBean(LlmClient.class);
          assertThat(client.steps()).contains(PipelineStep.EXPERIMENT, PipelineStep.ADMISSION, PipelineStep.RESILIENCE);
          LlmOpsComponents components = ctx.getBean(LlmOpsComponents.class);
          assertThat(components.experiments()).isPresent();
          // weights [0, 1]: every subject gets the cheap variant
          Completion c = client.chat(ChatRequest.of("hi"), dev.llmops.api.CallContext.ofSubject("user-1"));
          assertThat(c.text()).isEqualTo("from cheap");
        });
  }

  @Test
  void badKeysAndValuesFailStartupListingEveryProblem() {
    runner.withUserConfiguration(FakeModels.class)
        .withPropertyValues(
            "llmops.models.smart.provider=supplied",
            "llmops.retrys=3",
            "llmops.cache.maximumSize=many",
            "llmops.resilience.backoff.initial=fast",
            "llmops.defaultModel=smarter")
        .run(ctx -> {
          assertThat(ctx).hasFailed();
          Throwable root = ctx.getStartupFailure();
          while (root.getCause() != null && !(root instanceof ConfigurationException)) {
            root = root.getCause();
          }
          assertThat(root).isInstanceOf(ConfigurationException.class);
          List<String> problems = ((ConfigurationException) root).problems();
          assertThat(problems).hasSize(4)
              .anySatisfy(p -> assertThat(p).startsWith("llmops.*: retrys: unknown key"))
              .anySatisfy(p -> assertThat(p).startsWith("llmops.*: cache.maximumSize: expected a whole number"))
              .anySatisfy(p -> assertThat(p).startsWith("llmops.*: resilience.backoff.initial: not a duration"))
              .anySatisfy(p -> assertThat(p).startsWith("llmops.*: defaultModel: unknown model 'smarter'"));
        });
  }

  @Test
  void aSuppliedModelWithoutABeanFailsStartupNamingIt() {
    runner.withPropertyValues("llmops.models.local.provider=supplied")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure()
            .rootCause().hasMessageContaining("models.local").hasMessageContaining("supplied"));
  }

  /** Other tools' -Dllmops.* flags and LLMOPS_* variables are not configuration keys. */
  @Test
  void systemPropertiesAreNotReadAsKeys() {
    runner.withUserConfiguration(FakeModels.class)
        .withSystemProperties("llmops.requireSomething=true")
        .withPropertyValues("llmops.models.smart.provider=supplied")
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(LlmClient.class));
  }

  /** apiKeyEnv names a variable; the starter looks it up in the whole Spring environment. */
  @Test
  void apiKeysAreLookedUpThroughTheEnvironment() {
    runner.withPropertyValues(
            "llmops.models.smart.provider=openai",
            "llmops.models.smart.model=gpt-4o",
            "llmops.models.smart.apiKeyEnv=TEST_OPENAI_KEY",
            "llmops.models.smart.baseUrl=http://127.0.0.1:9/v1")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
            .hasMessageContaining("models.smart.apiKeyEnv: environment variable TEST_OPENAI_KEY is not set"));
    runner.withPropertyValues(
            "llmops.models.smart.provider=openai",
            "llmops.models.smart.model=gpt-4o",
            "llmops.models.smart.apiKeyEnv=TEST_OPENAI_KEY",
            "llmops.models.smart.baseUrl=http://127.0.0.1:9/v1",
            "TEST_OPENAI_KEY=sk-test-not-a-real-key-0000")
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(LlmClient.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    static final LlmClient CLIENT = LlmClient.builder().model("own", FakeChatModel.create().reply("own")).build();

    @Bean
    LlmClient myClient() {
      return CLIENT;
    }
  }

  @Test
  void anApplicationsOwnClientWins() {
    runner.withUserConfiguration(OwnClient.class)
        .run(ctx -> assertThat(ctx).hasNotFailed().getBean(LlmClient.class).isSameAs(OwnClient.CLIENT));
  }

  @Test
  void llmopsEnabledFalseTurnsItOff() {
    runner.withUserConfiguration(FakeModels.class)
        .withPropertyValues("llmops.enabled=false", "llmops.models.smart.provider=supplied")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(LlmClient.class).doesNotHaveBean(LlmOpsComponents.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class ListenerAndCustomizer {
    static final RecordingListener LISTENER = RecordingListener.create();

    @Bean
    CallListener recording() {
      return LISTENER;
    }

    @Bean
    LlmClientCustomizer addsAnInterceptor() {
      return b -> b.interceptor(chain -> chain.proceed(ChatRequest.builder().user("customized").build()));
    }
  }

  @Test
  void listenerBeansAndCustomizersReachTheClient() {
    runner.withUserConfiguration(FakeModels.class, ListenerAndCustomizer.class)
        .withPropertyValues("llmops.models.smart.provider=supplied")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          ctx.getBean(LlmClient.class).chat(ChatRequest.of("hi"));
          assertThat(ctx.getBean("smart", FakeChatModel.class).lastRequest().messages().get(0).content()).isEqualTo("customized");
          assertThat(ListenerAndCustomizer.LISTENER.events(RecordingListener.Type.CALL_END)).hasSize(1);
        });
  }
}
