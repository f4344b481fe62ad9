package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.audit.AuditLog;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.sink.SinkStats;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The sink queues' counters as OpenTelemetry instruments, read at collection time. */
class OtelSinkMetricsTest {
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);

  private Map<String, MetricData> collect() {
    return reader.collectAllMetrics().stream().collect(Collectors.toMap(MetricData::getName, Function.identity()));
  }

  private static long value(MetricData m, Attributes attributes) {
    Collection<? extends LongPointData> points = m.getType().name().contains("GAUGE")
        ? m.getLongGaugeData().getPoints() : m.getLongSumData().getPoints();
    return points.stream().filter(p -> p.getAttributes().equals(attributes)).findFirst()
        .orElseThrow(() -> new AssertionError("no point " + attributes + " in " + m)).getValue();
  }

  @Test
  void depthDropsFailuresAndRetriesAreObservedPerQueueAndReason() {
    AuditLog audit = AuditLog.builder().clock(clock).scheduler(scheduler)
        .queue(SinkQueue.builder().capacity(2).closeTimeout(Duration.ZERO).build())
        .batchSink(batch -> {
          throw new IllegalStateException("SIEM down");
        })
        .build();
    OtelSinkMetrics metrics = OtelSinkMetrics.builder(sdk)
        .observe(audit::sinkStats)
        .observe(() -> {
          throw new IllegalStateException("a source that breaks is skipped");
        })
        .build();
    try {
      for (int i = 0; i < 5; i++) {
        audit.record(AuditEvent.of(clock.instant(), AuditEvent.BUDGET_CHANGED, "b" + i, null, "1"));
      }
      awaitFailures(audit, 1);
      clock.advance(Duration.ofSeconds(1)); // the retry falls due
      awaitFailures(audit, 2);

      Map<String, MetricData> m = collect();
      Attributes queue = Attributes.of(AttributeKey.stringKey(OtelSinkMetrics.SINK), "audit.0");
      assertThat(value(m.get("llmops.sink.queue.depth"), queue)).isEqualTo(2);
      assertThat(value(m.get("llmops.sink.queue.capacity"), queue)).isEqualTo(2);
      assertThat(value(m.get("llmops.sink.journal.records"), queue)).isZero();
      assertThat(value(m.get("llmops.sink.records.delivered"), queue)).isZero();
      assertThat(value(m.get("llmops.sink.write.failures"), queue)).isGreaterThanOrEqualTo(2);
      assertThat(value(m.get("llmops.sink.write.retries"), queue)).isGreaterThanOrEqualTo(2);
      assertThat(value(m.get("llmops.sink.records.dropped"),
          queue.toBuilder().put(OtelSinkMetrics.DROP_REASON, "queue_full").build())).isEqualTo(3);
      assertThat(value(m.get("llmops.sink.records.dropped"),
          queue.toBuilder().put(OtelSinkMetrics.DROP_REASON, "closed").build())).isZero();
      assertThat(m.get("llmops.sink.records.dropped").getLongSumData().isMonotonic()).isTrue();
      assertThat(m.get("llmops.sink.records.dropped").getUnit()).isEqualTo("{record}");

      audit.close();
      Map<String, MetricData> afterClose = collect();
      assertThat(value(afterClose.get("llmops.sink.records.dropped"),
          queue.toBuilder().put(OtelSinkMetrics.DROP_REASON, "closed").build())).isEqualTo(2);
      assertThat(value(afterClose.get("llmops.sink.queue.depth"), queue)).isZero();
    } finally {
      metrics.close();
    }
    assertThat(collect()).as("closing the metrics removes the callback").doesNotContainKey("llmops.sink.queue.depth");
  }

  private static void awaitFailures(AuditLog audit, long failures) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (audit.sinkStats().stream().mapToLong(SinkStats::failures).sum() < failures) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + failures + " failures: " + audit.sinkStats());
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void noSourcesMeansNoPoints() {
    OtelSinkMetrics metrics = OtelSinkMetrics.builder(sdk).observe(List::<SinkStats>of).build();
    try {
      assertThat(collect()).doesNotContainKey("llmops.sink.queue.depth");
    } finally {
      metrics.close();
    }
  }
}
