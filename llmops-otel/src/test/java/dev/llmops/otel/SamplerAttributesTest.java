package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Fingerprint;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A sampler sees what is known when the call's span starts: the request's attributes and the
 * call's own (endpoint, tenant, feature, prompt, experiment), so it can sample by them.
 */
class SamplerAttributesTest {
  private final List<Map<String, Object>> sampled = new CopyOnWriteArrayList<>();
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .setSampler(new Sampler() {
            @Override
            public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
                Attributes attributes, List<LinkData> links) {
              if (kind == SpanKind.CLIENT) {
                sampled.add(attributes.asMap().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().getKey(), Map.Entry::getValue)));
              }
              return SamplingResult.recordAndSample();
            }

            @Override
            public String getDescription() {
              return "recording";
            }
          })
          .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();
  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);

  @Test
  void theSamplerSeesTheCallsEndpointTenantFeaturePromptAndExperiment() {
    FakeChatModel model = FakeChatModel.builder().provider("openai").modelId("gpt-4o").scheduler(scheduler).build();
    model.reply("ok");
    LlmClient client = LlmClient.builder()
        .model("smart", model)
        .clock(clock)
        .scheduler(scheduler)
        .listener(OtelInstrumentation.builder(sdk).conventions(GenAiConventions.V1_41).clock(clock).build())
        .step(PipelineStep.PROMPT, chain -> {
          chain.call().attributes().put(Fingerprint.KEY,
              new Fingerprint("support-reply", 3, "abc123", "smart", "p1", null, null).withVariant("exp", "b"));
          return chain.proceed(chain.request());
        })
        .build();

    CompletableFuture<Completion> call = client.request(ChatRequest.builder().model("smart").user("hi").build())
        .context(CallContext.ofTenant("acme").withFeature("support")).callAsync();
    clock.advance(Duration.ofSeconds(1));
    call.join();

    assertThat(sampled).hasSize(1);
    assertThat(sampled.get(0)).containsEntry("gen_ai.request.model", "gpt-4o")
        .containsEntry("llmops.endpoint", "smart")
        .containsEntry("llmops.tenant", "acme")
        .containsEntry("llmops.feature", "support")
        .containsEntry("gen_ai.prompt.name", "support-reply")
        .containsEntry("llmops.prompt.version", 3L)
        .containsEntry("llmops.experiment.key", "exp")
        .containsEntry("llmops.experiment.variant", "b");
    // The exported span carries each once, and the end's attributes too.
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("llmops.endpoint"))).isEqualTo("smart");
    assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isNotNull();
  }

  @Test
  void aFallbackReplacesTheEndpointTheSpanStartedWith() {
    FakeChatModel primary = FakeChatModel.builder().modelId("gpt-4o").scheduler(scheduler).build();
    FakeChatModel backup = FakeChatModel.builder().modelId("claude-haiku-4-5").scheduler(scheduler).build();
    primary.failNext(1, Fault.rateLimited(Duration.ofSeconds(1)));
    backup.reply("from backup");
    LlmClient client = LlmClient.builder()
        .model("smart", primary)
        .model("cheap", backup)
        .clock(clock)
        .scheduler(scheduler)
        .listener(OtelInstrumentation.builder(sdk).clock(clock).build())
        .step(PipelineStep.RESILIENCE, chain -> chain.proceed(chain.request())
            .exceptionallyCompose(e -> chain.proceed(chain.request().withModel("cheap"))))
        .build();

    CompletableFuture<Completion> call = client.chatAsync(ChatRequest.builder().model("smart").user("hi").build());
    clock.advance(Duration.ofSeconds(5));
    call.join();

    assertThat(sampled.get(0)).containsEntry("llmops.endpoint", "smart");
    SpanData span = spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat")).findFirst().orElseThrow();
    assertThat(span.getAttributes().get(AttributeKey.stringKey("llmops.endpoint"))).isEqualTo("cheap");
  }
}
