package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.config.ConfigBindings;
import dev.llmops.core.config.LlmOpsConfig;
import dev.llmops.core.config.TelemetryFactory;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Without an {@link OpenTelemetry} instance the instrumentation uses {@link GlobalOpenTelemetry}
 * (what the Java agent or the SDK's autoconfigure register), read when it is built.
 */
class GlobalOpenTelemetryTest {
  private final OtelFixture f = new OtelFixture();

  @BeforeEach
  @AfterEach
  void resetTheGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  private SpanData oneCall(LlmClient client) {
    f.primary.reply("ok");
    CompletableFuture<Completion> call = client.chatAsync(ChatRequest.builder().model("smart").user("hi").build());
    f.clock.advance(Duration.ofSeconds(5));
    assertThat(call.join().text()).isEqualTo("ok");
    assertThat(f.spans()).hasSize(1);
    return f.spans().get(0);
  }

  @Test
  void createWithoutAnInstanceUsesTheRegisteredGlobal() {
    GlobalOpenTelemetry.set(f.sdk);
    try (LlmClient client = f.client(OtelInstrumentation.create()).build()) {
      SpanData span = oneCall(client);
      assertThat(span.getName()).isEqualTo("chat gpt-4o");
      assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo(OtelInstrumentation.INSTRUMENTATION_SCOPE);
    }
    assertThat(f.metric("gen_ai.client.operation.duration").getHistogramData().getPoints()).hasSize(1);
  }

  @Test
  void theBuilderReadsTheGlobalWhenItBuilds() {
    OtelInstrumentation.Builder builder = OtelInstrumentation.builder().conventions(GenAiConventions.LATEST).clock(f.clock);
    GlobalOpenTelemetry.set(f.sdk); // registered after the builder was made, before build()
    try (LlmClient client = f.client(builder.build()).build()) {
      SpanData span = oneCall(client);
      assertThat(span.getEndEpochNanos() - span.getStartEpochNanos()).isEqualTo(Duration.ofMillis(250).toNanos());
    }
    assertThat(f.metricsByName()).containsKey("gen_ai.client.inference.duration");
  }

  /** The configuration path: a factory bound without an instance reads the global at assembly. */
  @Test
  void theFactoryWithoutAnInstanceUsesTheGlobalWhenAConfigurationIsAssembled() {
    TelemetryFactory factory = OtelInstrumentation.factory();
    GlobalOpenTelemetry.set(f.sdk);
    String yaml = """
        models:
          smart: {provider: supplied}
        telemetry:
          conventions: v1_41
        """;
    LlmClient.Builder configured = LlmOpsConfig.parse(yaml, "global.yaml").assemble(ConfigBindings.builder()
            .model("smart", f.primary).environment(Map.<String, String>of()::get)
            .clock(f.clock).scheduler(f.scheduler).telemetry(factory).build())
        .clientBuilder();
    try (LlmClient client = configured.build()) {
      SpanData span = oneCall(client);
      assertThat(span.getAttributes().get(Keys.ENDPOINT)).isEqualTo("smart");
    }
    assertThat(f.metricsByName()).containsKey("gen_ai.client.operation.duration");
  }

  /**
   * With nothing registered, {@code GlobalOpenTelemetry.get()} gives the no-op instance and keeps
   * it: calls go through untraced, and registering an SDK afterwards fails (docs/observability.md).
   */
  @Test
  void withNothingRegisteredTheInstrumentationIsANoopAndTheGlobalStaysOne() {
    OtelInstrumentation otel = OtelInstrumentation.builder().clock(f.clock).build();
    f.primary.reply("ok");
    try (LlmClient client = f.client(otel).build()) {
      CompletableFuture<Completion> call = client.chatAsync(ChatRequest.builder().model("smart").user("hi").build());
      assertThat(otel.inFlight()).isEqualTo(1);
      f.clock.advance(Duration.ofSeconds(5));
      assertThat(call.join().text()).isEqualTo("ok");
    }
    assertThat(otel.inFlight()).isZero();
    assertThat(f.spans()).isEmpty();
    assertThatThrownBy(() -> GlobalOpenTelemetry.set(f.sdk)).isInstanceOf(IllegalStateException.class);
  }
}
