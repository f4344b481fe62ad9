package dev.llmops.otel;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Money;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.testkit.Fault;
import io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The instrumentation keeps each call's state on the call (an internal attribute of its own), counts
 * calls in flight, and keeps the usual call's span within the SDK's initial attribute table.
 */
class CallStateTest {
  /** The SDK's span attribute table holds this many before it grows (OpenTelemetry Java 1.68). */
  private static final int SDK_INITIAL_ATTRIBUTES = 16;

  /** A prompt call in an experiment, priced, for a tenant, with two generation parameters. */
  private static LlmClient promptCallClient(OtelFixture f, OtelInstrumentation otel) {
    Money usd = Money.usd("0.00365");
    Cost cost = new Cost(usd, usd, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, false, "test-catalog", "gpt-4o");
    return f.client(otel)
        .step(PipelineStep.PROMPT, chain -> {
          chain.call().attributes().put(Fingerprint.KEY,
              new Fingerprint("support", 1, "9f2c", "smart", "p1", null, null).withVariant("model-swap", "control"));
          return chain.proceed(chain.request());
        })
        .step(PipelineStep.ACCOUNTING, chain -> chain.proceed(chain.request()).thenApply(r -> {
          chain.call().attributes().put(Cost.KEY, cost);
          return r;
        }))
        .build();
  }

  private static Completion promptCall(OtelFixture f, LlmClient client) {
    f.primary.reply("ok");
    CompletableFuture<Completion> call = client
        .request(ChatRequest.builder().model("smart").user("hi").temperature(0).maxOutputTokens(256).build())
        .context(CallContext.ofTenant("tenant-3")).callAsync();
    f.clock.advance(Duration.ofSeconds(5));
    return call.join();
  }

  @Test
  void aPromptCallInAnExperimentCarriesSeventeenAttributesInV141() {
    OtelFixture f = new OtelFixture();
    Completion c = promptCall(f, promptCallClient(f, f.instrumentation(GenAiConventions.V1_41, false)));

    SpanData span = f.spans().get(0);
    OpenTelemetryAssertions.assertThat(span).hasAttributesSatisfyingExactly(
        equalTo(Keys.OPERATION_NAME, "chat"),
        equalTo(Keys.PROVIDER_NAME, "openai"),
        equalTo(Keys.REQUEST_MODEL, "gpt-4o"),
        equalTo(Keys.REQUEST_TEMPERATURE, 0.0),
        equalTo(Keys.REQUEST_MAX_TOKENS, 256L),
        equalTo(Keys.ENDPOINT, "smart"),
        equalTo(Keys.TENANT, "tenant-3"),
        equalTo(Keys.PROMPT_NAME, "support"),
        equalTo(Keys.LLMOPS_PROMPT_VERSION, 1L),
        equalTo(Keys.EXPERIMENT, "model-swap"),
        equalTo(Keys.VARIANT, "control"),
        equalTo(Keys.COST, "0.00365"),
        equalTo(Keys.RESPONSE_ID, c.response().id()),
        equalTo(Keys.RESPONSE_MODEL, "gpt-4o"),
        equalTo(Keys.RESPONSE_FINISH_REASONS, List.of("stop")),
        equalTo(Keys.USAGE_INPUT_TOKENS, c.response().usage().inputTokens()),
        equalTo(Keys.USAGE_OUTPUT_TOKENS, c.response().usage().outputTokens()));
    // One more than the SDK's table holds before it grows: each is information of its own (see
    // docs/observability.md); without the experiment the call fits (next test).
    assertThat(span.getTotalAttributeCount()).isEqualTo(SDK_INITIAL_ATTRIBUTES + 1);
  }

  @Test
  void aPromptCallWithoutAnExperimentFitsTheSdksInitialAttributeTable() {
    OtelFixture f = new OtelFixture();
    LlmClient client = f.client(f.instrumentation(GenAiConventions.V1_41, false))
        .step(PipelineStep.PROMPT, chain -> {
          chain.call().attributes().put(Fingerprint.KEY, new Fingerprint("support", 1, "9f2c", "smart", "p1", null, null));
          return chain.proceed(chain.request());
        })
        .build();
    promptCall(f, client);
    assertThat(f.spans().get(0).getTotalAttributeCount()).isLessThanOrEqualTo(SDK_INITIAL_ATTRIBUTES);
  }

  @Test
  void theLatestConventionsEmitTheirPromptVersionInsteadOfOurs() {
    OtelFixture f = new OtelFixture();
    promptCall(f, promptCallClient(f, f.instrumentation(GenAiConventions.LATEST, false)));
    SpanData span = f.spans().get(0);
    assertThat(span.getAttributes().get(Keys.PROMPT_VERSION)).isEqualTo("1");
    assertThat(span.getAttributes().get(Keys.LLMOPS_PROMPT_VERSION)).isNull();
    assertThat(span.getTotalAttributeCount()).isEqualTo(17);
  }

  @Test
  void theStateIsNeitherInTheCompletionNorSharedBetweenTwoInstances() {
    OtelFixture f = new OtelFixture();
    OtelInstrumentation one = f.instrumentation(GenAiConventions.V1_41, false);
    OtelInstrumentation two = f.instrumentation(GenAiConventions.LATEST, false);
    LlmClient client = f.client(one).listener(two).build();
    f.primary.failNext(1, Fault.serverError(500));
    CompletableFuture<Completion> failed = client.chatAsync(ChatRequest.builder().model("smart").user("a").build());
    f.primary.reply("ok");
    CompletableFuture<Completion> ok = client.chatAsync(ChatRequest.builder().model("smart").user("b").build());
    assertThat(one.inFlight()).isEqualTo(2);
    assertThat(two.inFlight()).isEqualTo(2);
    f.clock.advance(Duration.ofSeconds(5));

    assertThat(failed).isCompletedExceptionally();
    assertThat(ok.join().attributes()).as("internal state never reaches the completion").isEmpty();
    assertThat(one.inFlight()).isZero();
    assertThat(two.inFlight()).isZero();
    // Each instance ended each call's span once: two calls, two instances.
    assertThat(f.spans()).hasSize(4);
    assertThat(f.spans()).filteredOn(s -> s.getAttributes().get(Keys.ERROR_TYPE) != null).hasSize(2);
  }

  /** Spans the sampler drops get no attributes built; the metrics are recorded all the same. */
  @Test
  void unsampledCallsStillRecordTheirMetrics() {
    OtelFixture f = new OtelFixture();
    io.opentelemetry.sdk.OpenTelemetrySdk dropping = io.opentelemetry.sdk.OpenTelemetrySdk.builder()
        .setTracerProvider(io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
            .setSampler(io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOff())
            .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(f.spans)).build())
        .setMeterProvider(io.opentelemetry.sdk.metrics.SdkMeterProvider.builder().registerMetricReader(f.metrics).build())
        .build();
    OtelInstrumentation otel = OtelInstrumentation.builder(dropping).conventions(GenAiConventions.V1_41)
        .captureContent(true).clock(f.clock).build();
    promptCall(f, promptCallClient(f, otel));
    f.primary.failNext(1, Fault.serverError(500));
    CompletableFuture<Completion> failed = f.client(otel).build()
        .request(ChatRequest.builder().model("smart").user("hi").build()).context(CallContext.ofTenant("acme")).callAsync();
    f.clock.advance(Duration.ofSeconds(5));
    assertThat(failed).isCompletedExceptionally();

    assertThat(f.spans()).isEmpty();
    assertThat(otel.inFlight()).isZero();
    assertThat(f.metric("gen_ai.client.operation.duration").getHistogramData().getPoints()).hasSize(2)
        .anySatisfy(p -> assertThat(p.getAttributes().get(Keys.ERROR_TYPE)).isEqualTo("server_error"));
    assertThat(f.metric("llmops.client.cost").getDoubleSumData().getPoints()).singleElement()
        .satisfies(p -> {
          assertThat(p.getValue()).isEqualTo(0.00365);
          assertThat(p.getAttributes().get(Keys.TENANT)).isEqualTo("tenant-3");
        });
    dropping.close();
  }

  /**
   * A call started inside a sampled span and ended after that span's scope closed (as an
   * asynchronous call ends on another thread): its metrics' exemplars belong to the caller's trace.
   */
  @Test
  void metricsTakeTheContextTheCallStartedIn() {
    OtelFixture f = new OtelFixture();
    LlmClient client = f.client(f.instrumentation(GenAiConventions.V1_41, false)).build();
    f.primary.reply("ok");
    io.opentelemetry.api.trace.Span caller = f.sdk.getTracer("test").spanBuilder("caller").startSpan();
    CompletableFuture<Completion> call;
    io.opentelemetry.context.Scope scope = caller.makeCurrent();
    try {
      call = client.chatAsync(ChatRequest.builder().model("smart").user("hi").build());
    } finally {
      scope.close();
    }
    f.clock.advance(Duration.ofSeconds(5)); // the call ends here, with no span current
    call.join();
    caller.end();

    assertThat(f.metric("gen_ai.client.operation.duration").getHistogramData().getPoints())
        .singleElement()
        .satisfies(p -> assertThat(p.getExemplars()).isNotEmpty()
            .allSatisfy(e -> assertThat(e.getSpanContext().getTraceId()).isEqualTo(caller.getSpanContext().getTraceId())));
  }

  /**
   * However calls start, end, fail and are cancelled, {@code inFlight()} is the number of calls
   * that started and have not ended, and every call gets exactly one span.
   */
  @Property(tries = 50)
  void inFlightCountsTheCallsThatStartedAndHaveNotEnded(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 3) Integer> outcomes) {
    OtelFixture f = new OtelFixture();
    OtelInstrumentation otel = f.instrumentation(GenAiConventions.V1_41, false);
    LlmClient client = f.client(otel).build();
    List<CompletableFuture<Completion>> calls = new ArrayList<>();
    for (int outcome : outcomes) {
      switch (outcome) {
        case 0 -> f.primary.reply("ok");
        case 1 -> f.primary.failNext(1, Fault.serverError(503));
        default -> f.primary.reply("slow or cancelled");
      }
      calls.add(client.chatAsync(ChatRequest.builder().model("smart").user("q").build()));
      assertThat(otel.inFlight()).isEqualTo(calls.stream().filter(c -> !c.isDone()).count());
    }
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i) == 3) {
        calls.get(i).cancel(true);
      }
    }
    assertThat(otel.inFlight()).isEqualTo(calls.stream().filter(c -> !c.isDone()).count());
    f.clock.advance(Duration.ofSeconds(5));
    assertThat(calls).allMatch(CompletableFuture::isDone);
    assertThat(otel.inFlight()).isZero();
    assertThat(f.spans()).hasSize(outcomes.size());
  }
}
