package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.LlmException;
import dev.llmops.api.Money;
import dev.llmops.core.PipelineStep;
import dev.llmops.testkit.Fault;
import dev.llmops.core.LlmClient;
import dev.llmops.eval.evaluator.Evaluator;
import dev.llmops.eval.evaluator.Score;
import dev.llmops.eval.monitor.Feedback;
import dev.llmops.eval.monitor.OnlineEvaluation;
import dev.llmops.eval.monitor.SloRules;
import dev.llmops.testkit.ConformanceData;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.TestClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Online evaluation scores through OpenTelemetry: each the {@code gen_ai.evaluation.result} event
 * (checked against the semantic conventions' YAML) and a point of {@code llmops.evaluation.score};
 * and the Prometheus names the SLO rules read, as OpenTelemetry's own Prometheus exporter writes them.
 */
class OtelEvaluationsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setLoggerProvider(SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();
  private final TestClock clock = TestClock.create();
  private final FakeChatModel fake = FakeChatModel.builder().modelId("gpt-4o").build();

  @Test
  void everyScoreIsTheSemconvEventAndAHistogramPoint() throws Exception {
    OnlineEvaluation online = OnlineEvaluation.builder()
        .evaluator(Evaluator.of("relevance", s -> Score.of(0.75, 0.5, "mentions jane@example.com's question")))
        .sampleRate(1.0).executor(Runnable::run).clock(clock)
        .listener(OtelEvaluations.create(sdk))
        .build();
    Completion c;
    try (LlmClient client = LlmClient.builder().clock(clock).model("smart", fake).listener(online).build()) {
      c = client.request(ChatRequest.builder().model("smart").user("hello").build())
          .context(CallContext.ofSubject("u").withFeature("support")).call();
    }
    assertThat(online.feedback(c.callId(), Feedback.comment("wrong"))).isTrue();
    assertThat(online.feedback(c.callId(), Feedback.thumbs(false))).isTrue();

    List<LogRecordData> events = logs.getFinishedLogRecordItems();
    assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e.getEventName()).isEqualTo(OtelEvaluations.EVENT));
    Attributes judged = events.get(0).getAttributes();
    assertThat(judged.get(OtelEvaluations.NAME)).isEqualTo("relevance");
    assertThat(judged.get(OtelEvaluations.SCORE_VALUE)).isEqualTo(0.75);
    assertThat(judged.get(OtelEvaluations.EXPLANATION)).doesNotContain("jane@example.com").contains("question");
    assertThat(judged.get(Keys.RESPONSE_ID)).isEqualTo(c.response().id()).isNotEmpty();
    assertThat(judged.get(Keys.FEATURE)).isEqualTo("support");
    assertThat(judged.get(Keys.ENDPOINT)).isEqualTo("smart");
    assertThat(events.get(0).getTimestampEpochNanos()).isEqualTo(nanos(clock.instant()));
    Attributes comment = events.get(1).getAttributes();
    assertThat(comment.get(OtelEvaluations.NAME)).isEqualTo("feedback.comment");
    assertThat(comment.get(OtelEvaluations.SCORE_VALUE)).as("a comment has no value").isNull();
    assertThat(comment.get(OtelEvaluations.EXPLANATION)).isEqualTo("wrong");
    assertThat(events.get(2).getAttributes().get(OtelEvaluations.SCORE_LABEL)).isEqualTo("down");

    MetricData histogram = metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(OtelEvaluations.SCORE_METRIC)).findFirst().orElseThrow();
    assertThat(histogram.getUnit()).isEqualTo("{score}");
    Map<String, HistogramPointData> byName = new HashMap<>();
    histogram.getHistogramData().getPoints().forEach(p -> byName.put(p.getAttributes().get(OtelEvaluations.NAME), p));
    assertThat(byName).containsOnlyKeys("relevance", "feedback.thumbs"); // the comment has no value
    assertThat(byName.get("relevance").getSum()).isEqualTo(0.75);
    assertThat(byName.get("relevance").getAttributes().get(Keys.FEATURE)).isEqualTo("support");
    assertThat(byName.get("feedback.thumbs").getCount()).isEqualTo(1);
  }

  @Test
  void theEventsAttributesAreTheOnesTheConventionsDefineWithTheirTypes() throws Exception {
    OtelEvaluations.create(sdk).accept(new dev.llmops.eval.monitor.OnlineScore("c1", "relevance", 0.5, "pass", "fine",
        new dev.llmops.eval.monitor.MonitorKey("f", "p@2", "smart", "x:b"), Instant.EPOCH, "resp-1"));
    Attributes a = logs.getFinishedLogRecordItems().get(0).getAttributes();

    JsonNode events = YAML.readTree(ConformanceData.file("otel-genai-semconv-v1.41.0/gen-ai-events.yaml").toFile());
    JsonNode event = null;
    for (JsonNode g : events.get("groups")) {
      if (g.path("name").asText().equals(OtelEvaluations.EVENT)) {
        event = g;
      }
    }
    assertThat(event).as("the event in the conventions").isNotNull();
    Set<String> defined = new LinkedHashSet<>();
    Set<String> required = new LinkedHashSet<>();
    event.get("attributes").forEach(r -> {
      defined.add(r.get("ref").asText());
      if (r.path("requirement_level").asText().equals("required")) {
        required.add(r.get("ref").asText());
      }
    });
    Map<String, String> types = new HashMap<>();
    JsonNode registry = YAML.readTree(ConformanceData.file("otel-genai-semconv-v1.41.0/gen-ai-registry.yaml").toFile());
    registry.get("groups").forEach(g -> g.path("attributes").forEach(at -> types.put(at.path("id").asText(), at.path("type").asText())));

    Set<String> emitted = new LinkedHashSet<>();
    a.forEach((k, v) -> emitted.add(k.getKey()));
    assertThat(emitted).containsAll(required)
        .contains("gen_ai.evaluation.name", "gen_ai.evaluation.score.value", "gen_ai.evaluation.score.label",
            "gen_ai.evaluation.explanation", "gen_ai.response.id");
    for (AttributeKey<?> key : a.asMap().keySet()) {
      if (key.getKey().startsWith("gen_ai.evaluation.") || key.getKey().equals("gen_ai.response.id")) {
        assertThat(defined).as("%s is an attribute of the event", key.getKey()).contains(key.getKey());
        AttributeType expected = switch (types.get(key.getKey())) {
          case "string" -> AttributeType.STRING;
          case "double" -> AttributeType.DOUBLE;
          default -> throw new AssertionError("unexpected type of " + key.getKey() + ": " + types.get(key.getKey()));
        };
        assertThat(key.getType()).as(key.getKey()).isEqualTo(expected);
      }
    }
    assertThat(a.get(Keys.PROMPT_NAME)).isEqualTo("p");
    assertThat(a.get(Keys.LLMOPS_PROMPT_VERSION)).isEqualTo(2L);
    assertThat(a.get(Keys.EXPERIMENT)).isEqualTo("x");
    assertThat(a.get(Keys.VARIANT)).isEqualTo("b");
  }

  /**
   * The names {@code SloRules} and {@code SloDashboard} read are the names OpenTelemetry's
   * Prometheus exporter gives the instruments llmops records (a call with a cost, a failed call and
   * a score).
   */
  @Test
  void theSloRulesReadTheNamesThePrometheusExporterWrites() throws Exception {
    PrometheusMetricReader prometheus = PrometheusMetricReader.builder().build();
    OpenTelemetrySdk withPrometheus = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(prometheus).build()).build();
    Money usd = Money.usd("0.0021");
    Cost cost = new Cost(usd, usd, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, false, "test-catalog", "gpt-4o");
    try (LlmClient client = LlmClient.builder().clock(clock).model("smart", fake)
        .listener(OtelInstrumentation.builder(withPrometheus).clock(clock).build())
        .step(PipelineStep.ACCOUNTING, chain -> chain.proceed(chain.request()).thenApply(r -> {
          chain.call().attributes().put(Cost.KEY, cost);
          return r;
        }))
        .build()) {
      client.request(ChatRequest.builder().model("smart").user("hello").build()).call();
      fake.failNext(1, Fault.serverError(500));
      assertThatThrownBy(() -> client.request(ChatRequest.builder().model("smart").user("hello").build()).call())
          .isInstanceOf(LlmException.class);
    }
    OtelEvaluations.create(withPrometheus).accept(new dev.llmops.eval.monitor.OnlineScore("c1", "relevance", 0.5, null,
        null, new dev.llmops.eval.monitor.MonitorKey("", "", "smart", ""), Instant.EPOCH, null));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, prometheus.collect());
    String text = out.toString(StandardCharsets.UTF_8);
    Set<String> names = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    assertThat(names).as(text).contains(SloRules.DEFAULT_DURATION + "_count", SloRules.DEFAULT_DURATION + "_bucket",
        SloRules.COST, SloRules.SCORE + "_sum", SloRules.SCORE + "_count");
    assertThat(text).as("failed calls carry error_type").containsPattern(SloRules.DEFAULT_DURATION + "_count\\{[^}]*error_type=");
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
