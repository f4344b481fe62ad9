package dev.llmops.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llmops.api.ChatRequest;
import dev.llmops.core.LlmClient;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.FakeChatModel;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** One observation per call, stopped with the call's outcome, through the auto-configured client. */
class ObservationCallListenerTest {
  /** What a tracing handler would see: contexts started and stopped. */
  static final class Recording implements ObservationHandler<Observation.Context> {
    final List<Observation.Context> started = new CopyOnWriteArrayList<>();
    final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

    @Override
    public void onStart(Observation.Context context) {
      started.add(context);
    }

    @Override
    public void onStop(Observation.Context context) {
      stopped.add(context);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  private static String value(Observation.Context c, String key) {
    KeyValue kv = c.getLowCardinalityKeyValue(key);
    return kv == null ? null : kv.getValue();
  }

  @Test
  void eachCallIsOneObservationWithTheGenAiKeyValuesAndItsError() {
    Recording handler = new Recording();
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(handler);
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LlmOpsAutoConfiguration.class))
        .withBean(ObservationRegistry.class, () -> registry)
        .withBean("smart", FakeChatModel.class, () -> FakeChatModel.builder().provider("openai").modelId("gpt-4o").build())
        .withPropertyValues("llmops.models.smart.provider=supplied", "llmops.resilience.maxAttempts=1")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(ObservationCallListener.class);
          LlmClient client = ctx.getBean(LlmClient.class);
          client.chat(ChatRequest.of("hi"));
          ctx.getBean("smart", FakeChatModel.class).failNext(1, Fault.serverError(503));
          assertThat(catchThrowable(() -> client.chat(ChatRequest.of("again")))).isNotNull();

          assertThat(handler.started).hasSize(2);
          assertThat(handler.stopped).hasSize(2);
          Observation.Context ok = handler.stopped.get(0);
          assertThat(ok.getName()).isEqualTo(ObservationCallListener.NAME);
          assertThat(value(ok, "gen_ai.provider.name")).isEqualTo("openai");
          assertThat(value(ok, "gen_ai.request.model")).isEqualTo("gpt-4o");
          assertThat(value(ok, "error.type")).isEqualTo("none");
          assertThat(ok.getError()).isNull();
          Observation.Context failed = handler.stopped.get(1);
          assertThat(failed.getError()).isNotNull();
          assertThat(value(failed, "error.type")).isNotEqualTo("none");
        });
  }
}
