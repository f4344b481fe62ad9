package dev.llmops.otel;

import dev.llmops.core.LlmClient;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** An OpenTelemetry SDK with in-memory exporters, a test clock, and fake models. */
final class OtelFixture {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();
  final TestClock clock = TestClock.create();
  final ManualScheduler scheduler = ManualScheduler.on(clock);
  final FakeChatModel primary = FakeChatModel.builder()
      .provider("openai").modelId("gpt-4o").scheduler(scheduler).latency(Duration.ofMillis(250)).build();
  final FakeChatModel backup = FakeChatModel.builder()
      .provider("anthropic").modelId("claude-haiku-4-5").scheduler(scheduler).latency(Duration.ofMillis(100)).build();

  OtelInstrumentation instrumentation(GenAiConventions conventions, boolean content) {
    return OtelInstrumentation.builder(sdk).conventions(conventions).captureContent(content).clock(clock).build();
  }

  LlmClient.Builder client(OtelInstrumentation instrumentation) {
    return LlmClient.builder()
        .model("smart", primary)
        .model("cheap", backup)
        .clock(clock)
        .scheduler(scheduler)
        .listener(instrumentation);
  }

  List<SpanData> spans() {
    return spans.getFinishedSpanItems();
  }

  Map<String, MetricData> metricsByName() {
    Collection<MetricData> all = metrics.collectAllMetrics();
    return all.stream().collect(java.util.stream.Collectors.toMap(MetricData::getName, Function.identity()));
  }

  MetricData metric(String name) {
    MetricData m = metricsByName().get(name);
    if (m == null) {
      throw new AssertionError("no metric " + name + "; have " + metricsByName().keySet());
    }
    return m;
  }

  static Optional<SpanData> named(List<SpanData> spans, String prefix) {
    return spans.stream().filter(s -> s.getName().startsWith(prefix)).findFirst();
  }
}
