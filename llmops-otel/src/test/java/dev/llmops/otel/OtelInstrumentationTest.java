package dev.llmops.otel;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Money;
import dev.llmops.api.FinishReason;
import dev.llmops.api.LlmException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.Usage;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.testkit.FakeReply;
import dev.llmops.testkit.Fault;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class OtelInstrumentationTest {
  private final OtelFixture f = new OtelFixture();

  private Completion run(LlmClient client, ChatRequest request) {
    CompletableFuture<Completion> call = client.chatAsync(request);
    f.clock.advance(Duration.ofSeconds(5));
    return call.join();
  }

  @Test
  void oneClientSpanWithTheGenAiAttributesAndMetricsInV141() {
    LlmClient client = f.client(f.instrumentation(GenAiConventions.V1_41, false)).build();
    f.primary.enqueue(FakeReply.text("Sure.").withUsage(new Usage(120, 30, 20, 0, 5, false)));
    ChatRequest request = ChatRequest.builder().model("smart").user("hello").temperature(0.2).maxOutputTokens(64).build();

    Completion c = run(client, request);

    assertThat(c.text()).isEqualTo("Sure.");
    assertThat(f.spans()).hasSize(1);
    SpanData span = f.spans().get(0);
    assertThat(span)
        .hasName("chat gpt-4o")
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(Keys.OPERATION_NAME, "chat"),
            equalTo(Keys.PROVIDER_NAME, "openai"),
            equalTo(Keys.REQUEST_MODEL, "gpt-4o"),
            equalTo(Keys.REQUEST_TEMPERATURE, 0.2),
            equalTo(Keys.REQUEST_MAX_TOKENS, 64L),
            equalTo(Keys.RESPONSE_MODEL, "gpt-4o"),
            equalTo(Keys.RESPONSE_ID, c.response().id()),
            equalTo(Keys.RESPONSE_FINISH_REASONS, List.of("stop")),
            equalTo(Keys.USAGE_INPUT_TOKENS, 120L),
            equalTo(Keys.USAGE_OUTPUT_TOKENS, 30L),
            equalTo(Keys.USAGE_CACHE_READ, 20L),
            equalTo(Keys.USAGE_REASONING, 5L),
            equalTo(Keys.ENDPOINT, "smart"));
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getEndEpochNanos() - span.getStartEpochNanos()).isEqualTo(Duration.ofMillis(250).toNanos());

    Map<String, MetricData> metrics = f.metricsByName();
    assertThat(metrics).containsOnlyKeys("gen_ai.client.operation.duration", "gen_ai.client.token.usage");
    MetricData duration = f.metric("gen_ai.client.operation.duration");
    assertThat(duration).hasUnit("s").hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p
        .hasSum(0.25).hasCount(1).hasBucketBoundaries(OtelMetrics.DURATION_BUCKETS.stream().mapToDouble(Double::doubleValue).toArray())
        .hasAttributes(Attributes.builder().put(Keys.OPERATION_NAME, "chat").put(Keys.PROVIDER_NAME, "openai")
            .put(Keys.REQUEST_MODEL, "gpt-4o").put(Keys.RESPONSE_MODEL, "gpt-4o").build())));
    MetricData tokens = f.metric("gen_ai.client.token.usage");
    assertThat(tokens).hasUnit("{token}");
    assertThat(tokens.getHistogramData().getPoints())
        .extracting(p -> String.valueOf(p.getAttributes().get(Keys.TOKEN_TYPE)), HistogramPointData::getSum)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("input", 120.0), org.assertj.core.groups.Tuple.tuple("output", 30.0));
    assertThat(tokens.getHistogramData().getPoints().iterator().next().getBoundaries())
        .containsExactlyElementsOf(OtelMetrics.TOKEN_BUCKETS.stream().map(Long::doubleValue).toList());
  }

  private static @org.jspecify.annotations.Nullable String optedIn(String name) {
    return name.equals("OTEL_SEMCONV_STABILITY_OPT_IN") ? "http, gen_ai_latest_experimental" : null;
  }

  private static @org.jspecify.annotations.Nullable String unset(String name) {
    return null;
  }

  @Test
  void latestConventionsAreSelectedByTheOptInVariable() {
    OtelInstrumentation latest = OtelInstrumentation.builder(f.sdk)
        .environment(OtelInstrumentationTest::optedIn)
        .clock(f.clock).build();
    assertThat(latest.conventions()).isEqualTo(GenAiConventions.LATEST);
    assertThat(OtelInstrumentation.builder(f.sdk).environment(name -> "http").build().conventions())
        .isEqualTo(GenAiConventions.V1_41);
    assertThat(OtelInstrumentation.builder(f.sdk).environment(OtelInstrumentationTest::unset).build().conventions())
        .isEqualTo(GenAiConventions.V1_41);

    LlmClient client = f.client(latest).build();
    f.primary.enqueue(FakeReply.text("ok").withUsage(new Usage(100, 10, 0, 40, 0, false)));
    run(client, ChatRequest.builder().model("smart").user("hi").build());

    SpanData span = f.spans().get(0);
    assertThat(span.getAttributes().get(Keys.USAGE_CACHE_WRITE)).isEqualTo(40L);
    assertThat(span.getAttributes().get(Keys.USAGE_CACHE_CREATION)).isNull();
    Map<String, MetricData> metrics = f.metricsByName();
    assertThat(metrics).containsKeys("gen_ai.client.inference.duration",
        "gen_ai.client.inference.operation.input_tokens", "gen_ai.client.inference.operation.output_tokens",
        "gen_ai.client.inference.usage.input_tokens", "gen_ai.client.inference.usage.output_tokens",
        "gen_ai.client.inference.usage.cache_write.input_tokens")
        .doesNotContainKeys("gen_ai.client.token.usage", "gen_ai.client.operation.duration");
    assertThat(f.metric("gen_ai.client.inference.usage.input_tokens")).hasLongSumSatisfying(s -> s.isMonotonic()
        .hasPointsSatisfying(p -> p.hasValue(100).hasAttributesSatisfying(equalTo(Keys.TOKEN_MODALITY, "text"))));
  }

  /** Retries once on a rate limit, then falls back to "cheap": the shape of a resilience step. */
  private static CompletionStage<ChatResponse> retryThenFallback(dev.llmops.api.Interceptor.Chain chain) {
    return chain.proceed(chain.request())
        .exceptionallyCompose(e -> chain.proceed(chain.request()))
        .exceptionallyCompose(e -> chain.proceed(chain.request().withModel("cheap")));
  }

  @Test
  void retriedAndFallenBackCallsGetOneChildSpanPerAttempt() {
    LlmClient client = f.client(f.instrumentation(GenAiConventions.V1_41, false))
        .step(PipelineStep.RESILIENCE, OtelInstrumentationTest::retryThenFallback).build();
    f.primary.failNext(2, Fault.rateLimited(Duration.ofSeconds(1)));
    f.backup.reply("from backup");

    Completion c = run(client, ChatRequest.builder().model("smart").user("hi").build());

    assertThat(c.text()).isEqualTo("from backup");
    List<SpanData> spans = f.spans();
    assertThat(spans).hasSize(4);
    SpanData call = OtelFixture.named(spans, "chat").orElseThrow();
    assertThat(call.getAttributes().get(Keys.RETRY_COUNT)).isEqualTo(2L);
    assertThat(call.getAttributes().get(Keys.FALLBACK_MODEL)).isEqualTo("cheap");
    assertThat(call.getAttributes().get(Keys.RESPONSE_MODEL)).isEqualTo("claude-haiku-4-5");
    List<SpanData> attempts = spans.stream().filter(s -> s.getName().startsWith("attempt")).toList();
    assertThat(attempts).hasSize(3).allSatisfy(a -> assertThat(a).hasParent(call).hasKind(SpanKind.INTERNAL));
    assertThat(attempts).extracting(a -> String.valueOf(a.getAttributes().get(Keys.ATTEMPT_NUMBER))).containsExactlyInAnyOrder("1", "2", "3");
    assertThat(attempts).filteredOn(a -> a.getStatus().getStatusCode() == StatusCode.ERROR).hasSize(2)
        .allSatisfy(a -> assertThat(a.getAttributes().get(Keys.ERROR_TYPE)).isNotNull());
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void failedCallsCarryErrorTypeStatusAndARedactedExceptionEvent() {
    LlmClient client = f.client(f.instrumentation(GenAiConventions.V1_41, false)).build();
    f.primary.failWith(Fault.error("bad key", model -> new RateLimitedException(
        "quota for jane.doe@example.com exceeded", ErrorDetails.of("openai", model).withHttpStatus(429), null)))
        .once();

    assertThatThrownBy(() -> run(client, ChatRequest.builder().model("smart").user("hi").build()))
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(LlmException.class);

    SpanData span = f.spans().get(0);
    assertThat(span).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.error());
    assertThat(span.getAttributes().get(Keys.ERROR_TYPE)).isEqualTo("429");
    assertThat(span.getEvents()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("exception");
      assertThat(e.getAttributes().get(Keys.EXCEPTION_TYPE)).isEqualTo(RateLimitedException.class.getName());
      assertThat(e.getAttributes().get(Keys.EXCEPTION_MESSAGE)).isEqualTo("quota for <EMAIL> exceeded");
      assertThat(e.getAttributes().get(Keys.EXCEPTION_STACKTRACE)).doesNotContain("jane.doe@example.com");
    });
    assertThat(f.metric("gen_ai.client.operation.duration").getHistogramData().getPoints())
        .singleElement().satisfies(p -> assertThat(p.getAttributes().get(Keys.ERROR_TYPE)).isEqualTo("429"));
  }

  @Test
  void streamsRecordTimeToFirstChunk() {
    LlmClient client = f.client(f.instrumentation(GenAiConventions.V1_41, false)).build();
    f.primary.reply("one two three four");
    var stream = client.stream(ChatRequest.builder().model("smart").user("hi").build(), chunk -> { });
    f.clock.advance(Duration.ofSeconds(5));
    stream.completion().join();

    SpanData span = f.spans().get(0);
    assertThat(span.getAttributes().get(Keys.REQUEST_STREAM)).isTrue();
    assertThat(span.getAttributes().get(Keys.RESPONSE_TIME_TO_FIRST_CHUNK)).isEqualTo(0.25);
    assertThat(f.metric("gen_ai.client.operation.time_to_first_chunk"))
        .hasUnit("s").hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p.hasCount(1).hasSum(0.25)));
  }

  @Test
  void contentIsCapturedOnlyWhenAskedAndThenRedacted() {
    LlmClient off = f.client(f.instrumentation(GenAiConventions.V1_41, false)).build();
    f.primary.reply("write to bob@example.org");
    run(off, ChatRequest.builder().model("smart").user("my card is 4111 1111 1111 1111").build());
    assertThat(f.spans().get(0).getAttributes().get(Keys.INPUT_MESSAGES)).isNull();
    assertThat(f.spans().get(0).getAttributes().get(Keys.OUTPUT_MESSAGES)).isNull();
    f.spans.reset();

    LlmClient on = f.client(f.instrumentation(GenAiConventions.V1_41, true)).build();
    f.primary.reply("write to bob@example.org");
    run(on, ChatRequest.builder().model("smart").user("my card is 4111 1111 1111 1111").build());
    SpanData span = f.spans().get(0);
    assertThat(span.getAttributes().get(Keys.INPUT_MESSAGES))
        .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"my card is <CREDIT_CARD>\"}]}]");
    assertThat(span.getAttributes().get(Keys.OUTPUT_MESSAGES)).isEqualTo(
        "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"write to <EMAIL>\"}],\"finish_reason\":\"stop\"}]");
  }

  @Test
  void llmopsAttributesComeFromTheFingerprintCostAndShadowTag() {
    Money usd = Money.usd("0.000125");
    dev.llmops.api.Cost cost = new dev.llmops.api.Cost(
        usd, usd, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, false, "test-catalog", "gpt-4o");
    LlmClient client = f.client(f.instrumentation(GenAiConventions.LATEST, false))
        .step(PipelineStep.PROMPT, chain -> {
          chain.call().attributes().put(Fingerprint.KEY,
              new Fingerprint("support-reply", 3, "abc123", "smart", "p1", null, null).withVariant("exp", "b"));
          return chain.proceed(chain.request());
        })
        .step(PipelineStep.ACCOUNTING, chain -> chain.proceed(chain.request()).thenApply(r -> {
          chain.call().attributes().put(dev.llmops.api.Cost.KEY, cost);
          return r;
        }))
        .build();
    f.primary.reply("ok");
    CompletableFuture<Completion> call = client.request(ChatRequest.builder().model("smart").user("hi").build())
        .context(dev.llmops.api.CallContext.ofTenant("acme").withTag("llmops.shadow", "true")).callAsync();
    f.clock.advance(Duration.ofSeconds(5));
    assertThat(call.join().text()).isNotEmpty();

    Attributes a = f.spans().get(0).getAttributes();
    assertThat(a.get(Keys.PROMPT_NAME)).isEqualTo("support-reply");
    assertThat(a.get(Keys.PROMPT_VERSION)).isEqualTo("3");
    assertThat(a.get(Keys.LLMOPS_PROMPT_VERSION)).as("the latest conventions' gen_ai.prompt.version replaces it").isNull();
    assertThat(a.asMap().keySet()).extracting(io.opentelemetry.api.common.AttributeKey::getKey)
        .doesNotContain("llmops.prompt.name", "llmops.prompt.hash");
    assertThat(a.get(Keys.EXPERIMENT)).isEqualTo("exp");
    assertThat(a.get(Keys.VARIANT)).isEqualTo("b");
    assertThat(a.get(Keys.COST)).isEqualTo("0.000125");
    assertThat(a.get(Keys.SHADOW)).isTrue();
    assertThat(a.get(Keys.TENANT)).isEqualTo("acme");
    assertThat(f.metric("llmops.client.cost")).hasDoubleSumSatisfying(s -> s.hasPointsSatisfying(p -> p
        .hasValue(0.000125).hasAttributes(Attributes.builder().put(Keys.REQUEST_MODEL, "gpt-4o").put(Keys.TENANT, "acme").build())));
  }

  /** Span names, tenants and cost attributes are cached per value; alternating values never mix. */
  @Test
  void cachedPerValueAttributesStayApartWhenCallsAlternate() {
    Money usd = Money.usd("0.5");
    dev.llmops.api.Cost cost = new dev.llmops.api.Cost(
        usd, usd, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, false, "test-catalog", "m");
    LlmClient client = f.client(f.instrumentation(GenAiConventions.V1_41, false))
        .step(PipelineStep.ACCOUNTING, chain -> chain.proceed(chain.request()).thenApply(r -> {
          chain.call().attributes().put(dev.llmops.api.Cost.KEY, cost);
          return r;
        }))
        .build();
    String[] models = {"smart", "cheap"};
    String[] tenants = {"acme", "globex", "alice@example.com"};
    for (int i = 0; i < 12; i++) {
      (i % 2 == 0 ? f.primary : f.backup).reply("ok");
      CompletableFuture<Completion> call = client.request(ChatRequest.builder().model(models[i % 2]).user("hi").build())
          .context(dev.llmops.api.CallContext.ofTenant(tenants[i % 3])).callAsync();
      f.clock.advance(Duration.ofSeconds(1));
      assertThat(call.join().text()).isEqualTo("ok");
    }
    List<SpanData> spans = f.spans();
    assertThat(spans).hasSize(12);
    for (int i = 0; i < 12; i++) {
      Attributes a = spans.get(i).getAttributes();
      assertThat(spans.get(i).getName()).isEqualTo(i % 2 == 0 ? "chat gpt-4o" : "chat claude-haiku-4-5");
      assertThat(a.get(Keys.TENANT)).isEqualTo(i % 3 == 2 ? "<EMAIL>" : tenants[i % 3]);
    }
    assertThat(f.metric("llmops.client.cost")).hasDoubleSumSatisfying(s -> s.hasPointsSatisfying(
        p -> p.hasValue(1.0).hasAttributes(Attributes.builder().put(Keys.REQUEST_MODEL, "gpt-4o").put(Keys.TENANT, "acme").build()),
        p -> p.hasValue(1.0).hasAttributes(Attributes.builder().put(Keys.REQUEST_MODEL, "gpt-4o").put(Keys.TENANT, "globex").build()),
        p -> p.hasValue(1.0).hasAttributes(Attributes.builder().put(Keys.REQUEST_MODEL, "gpt-4o").put(Keys.TENANT, "<EMAIL>").build()),
        p -> p.hasValue(1.0).hasAttributes(Attributes.builder().put(Keys.REQUEST_MODEL, "claude-haiku-4-5").put(Keys.TENANT, "acme").build()),
        p -> p.hasValue(1.0).hasAttributes(Attributes.builder().put(Keys.REQUEST_MODEL, "claude-haiku-4-5").put(Keys.TENANT, "globex").build()),
        p -> p.hasValue(1.0).hasAttributes(Attributes.builder().put(Keys.REQUEST_MODEL, "claude-haiku-4-5").put(Keys.TENANT, "<EMAIL>").build())));
  }

  @Test
  void budgetRejectionsAreCountedAndStillGetASpan() {
    LlmClient client = f.client(f.instrumentation(GenAiConventions.V1_41, false))
        .step(PipelineStep.ADMISSION, chain -> CompletableFuture.failedFuture(
            new BudgetExceededException("daily budget of tenant acme spent", "tenant:acme", "50.00", null)))
        .build();
    CompletableFuture<Completion> call = client.request(ChatRequest.builder().model("smart").user("hi").build())
        .context(dev.llmops.api.CallContext.ofTenant("acme")).callAsync();
    assertThatThrownBy(call::join).hasCauseInstanceOf(BudgetExceededException.class);

    SpanData span = f.spans().get(0);
    assertThat(span).hasName("chat smart").hasStatus(io.opentelemetry.sdk.trace.data.StatusData.error());
    assertThat(span.getAttributes().get(Keys.PROVIDER_NAME)).isEqualTo("_OTHER");
    assertThat(f.metric("llmops.client.budget.rejections")).hasLongSumSatisfying(s -> s.hasPointsSatisfying(
        p -> p.hasValue(1).hasAttributes(Attributes.builder()
            .put(Keys.REJECTION, "BudgetExceededException").put(Keys.TENANT, "acme").build())));
  }

  @Test
  void noCallStateIsLeftBehind() {
    OtelInstrumentation otel = f.instrumentation(GenAiConventions.V1_41, false);
    LlmClient client = f.client(otel).build();
    f.primary.failNext(1, Fault.serverError(500));
    CompletableFuture<Completion> failed = client.chatAsync(ChatRequest.builder().model("smart").user("a").build());
    CompletableFuture<Completion> ok = client.chatAsync(ChatRequest.builder().model("smart").user("b").build());
    CompletableFuture<Completion> cancelled = client.chatAsync(ChatRequest.builder().model("smart").user("c").build());
    cancelled.cancel(true);
    f.clock.advance(Duration.ofSeconds(5));
    assertThat(failed).isCompletedExceptionally();
    assertThat(ok.join().finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(otel.inFlight()).isZero();
    assertThat(f.spans()).hasSize(3);
    assertThat(f.spans()).filteredOn(s -> "cancelled".equals(s.getAttributes().get(Keys.ERROR_TYPE))).hasSize(1);
  }
}
