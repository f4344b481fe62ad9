package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.eval.monitor.DriftEvent;
import dev.llmops.eval.monitor.DriftMonitor;
import dev.llmops.eval.monitor.MonitorKey;
import dev.llmops.eval.monitor.Signal;
import dev.llmops.eval.monitor.SloRules;
import dev.llmops.testkit.TestClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A drift monitor's comparisons as OpenTelemetry gauges and a counter, read back from the SDK and its Prometheus exporter. */
class OtelDriftMetricsTest {
  private static final MonitorKey KEY = new MonitorKey("support for jane@example.com", "answer@3", "smart", "upgrade:next");
  private final TestClock clock = TestClock.create();

  /** A reference window, a steady one, and one whose latencies doubled. */
  private static void drive(DriftMonitor drift) {
    Random r = new Random(3);
    for (double median : new double[] {400, 400, 800}) {
      for (int i = 0; i < 500; i++) {
        drift.record(KEY, Signal.LATENCY_MS, median * Math.exp(0.4 * r.nextGaussian()));
      }
      drift.check();
    }
  }

  @Test
  void comparisonsBecomeGaugesAndDriftACounter() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
    List<DriftEvent> drifted = new java.util.ArrayList<>();
    DriftMonitor drift = DriftMonitor.builder().clock(clock).minSamples(500)
        .comparisonListener(OtelDriftMetrics.create(sdk)).listener(drifted::add).build();
    drive(drift);
    assertThat(drifted).singleElement().extracting(DriftEvent::signal).isEqualTo(Signal.LATENCY_MS);

    List<MetricData> data = List.copyOf(reader.collectAllMetrics());
    MetricData psi = metric(data, OtelDriftMetrics.PSI_METRIC);
    DoublePointData psiPoint = (DoublePointData) psi.getData().getPoints().iterator().next();
    assertThat(psi.getData().getPoints()).hasSize(1);
    assertThat(psiPoint.getValue()).as("the last comparison: the drifted one").isEqualTo(drifted.get(0).psi());
    assertThat(psiPoint.getAttributes().get(AttributeKey.stringKey(OtelDriftMetrics.SIGNAL_ATTRIBUTE))).isEqualTo("LATENCY_MS");
    assertThat(psiPoint.getAttributes().get(AttributeKey.stringKey(OtelDriftMetrics.TEST_ATTRIBUTE)))
        .isEqualTo("kolmogorov-smirnov");
    assertThat(psiPoint.getAttributes().get(Keys.FEATURE)).as("redacted, as on spans")
        .doesNotContain("jane@example.com").startsWith("support for");
    assertThat(psiPoint.getAttributes().get(Keys.ENDPOINT)).isEqualTo("smart");
    assertThat(psiPoint.getAttributes().get(Keys.PROMPT_NAME)).isEqualTo("answer");
    assertThat(psiPoint.getAttributes().get(Keys.LLMOPS_PROMPT_VERSION)).isEqualTo(3L);
    assertThat(psiPoint.getAttributes().get(Keys.EXPERIMENT)).isEqualTo("upgrade");
    assertThat(psiPoint.getAttributes().get(Keys.VARIANT)).isEqualTo("next");
    DoublePointData p = (DoublePointData) metric(data, OtelDriftMetrics.P_VALUE_METRIC).getData().getPoints().iterator().next();
    assertThat(p.getValue()).isEqualTo(drifted.get(0).pValue()).isLessThan(0.01);
    DoublePointData flag = (DoublePointData) metric(data, OtelDriftMetrics.DRIFTED_METRIC).getData().getPoints().iterator().next();
    assertThat(flag.getValue()).isEqualTo(1.0);
    LongPointData events = (LongPointData) metric(data, OtelDriftMetrics.EVENTS_METRIC).getData().getPoints().iterator().next();
    assertThat(events.getValue()).as("two comparisons, only the drifted one counts").isEqualTo(1);
    assertThat(events.getAttributes()).isEqualTo(psiPoint.getAttributes());
  }

  @Test
  void thePrometheusExporterWritesTheNamesAnAlertReads() throws Exception {
    PrometheusMetricReader prometheus = PrometheusMetricReader.builder().build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(prometheus).build()).build();
    drive(DriftMonitor.builder().clock(clock).minSamples(500).comparisonListener(OtelDriftMetrics.create(sdk)).build());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, prometheus.collect());
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).as(text)
        .containsPattern("(?m)^llmops_drift_events_total\\{[^}]*llmops_drift_signal=\"LATENCY_MS\"[^}]*\\} 1")
        .containsPattern("(?m)^llmops_drift_psi(_ratio)?\\{")
        .containsPattern("(?m)^llmops_drift_p_value(_ratio)?\\{")
        .containsPattern("(?m)^" + SloRules.DRIFTED + "\\{[^}]*llmops_drift_signal=\"LATENCY_MS\"[^}]*\\} 1");
  }

  private static MetricData metric(List<MetricData> data, String name) {
    return data.stream().filter(m -> m.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not exported: " + data));
  }
}
