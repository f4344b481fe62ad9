package dev.llmops.otel;

import dev.llmops.core.sink.SinkEvent;
import dev.llmops.core.sink.SinkStats;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * OpenTelemetry instruments over llmops' sink queues (the ledger's, the audit log's, the
 * transcript store's): observed when the SDK collects, from {@link SinkStats} snapshots, so
 * nothing is recorded on the call path.
 *
 * <pre>{@code
 * OtelSinkMetrics metrics = OtelSinkMetrics.builder(openTelemetry)
 *     .observe(client::sinkStats)
 *     .observe(auditLog::sinkStats)
 *     .build();
 * }</pre>
 *
 * <p>Instruments (attribute {@value #SINK} = the queue's name on each; scope {@value
 * OtelInstrumentation#INSTRUMENTATION_SCOPE}):
 *
 * <ul>
 *   <li>{@code llmops.sink.queue.depth} (gauge, {@code {record}}): records in memory;
 *   <li>{@code llmops.sink.queue.capacity} (gauge, {@code {record}});
 *   <li>{@code llmops.sink.journal.records} (gauge, {@code {record}}): records in the journal file;
 *   <li>{@code llmops.sink.records.delivered} (counter, {@code {record}});
 *   <li>{@code llmops.sink.records.dropped} (counter, {@code {record}}), with {@value #DROP_REASON}
 *       ({@code queue_full}, {@code block_timeout}, {@code journal_full}, {@code journal_failed},
 *       {@code retries_exhausted}, {@code closed});
 *   <li>{@code llmops.sink.write.failures} (counter, {@code {write}});
 *   <li>{@code llmops.sink.write.retries} (counter, {@code {write}});
 *   <li>{@code llmops.sink.journal.corrupt_lines} (counter, {@code {line}}).
 * </ul>
 *
 * <p>Counters are cumulative from each queue's start. {@link #close()} removes the callback.
 * Thread-safe; a source that throws is skipped for that collection.
 */
public final class OtelSinkMetrics implements AutoCloseable {
  /** The attribute naming the queue ({@code ledger}, {@code audit.0}, {@code transcripts.0}). */
  public static final String SINK = "llmops.sink";

  /** The attribute naming why records were dropped. */
  public static final String DROP_REASON = "llmops.sink.drop.reason";

  private static final AttributeKey<String> SINK_KEY = AttributeKey.stringKey(SINK);
  private static final AttributeKey<String> REASON_KEY = AttributeKey.stringKey(DROP_REASON);

  private final BatchCallback callback;

  private OtelSinkMetrics(Builder b) {
    Meter meter = b.openTelemetry.getMeter(OtelInstrumentation.INSTRUMENTATION_SCOPE);
    ObservableLongMeasurement depth = gauge(meter, "llmops.sink.queue.depth", "Records waiting in a sink queue's memory.");
    ObservableLongMeasurement capacity = gauge(meter, "llmops.sink.queue.capacity", "Records a sink queue holds in memory.");
    ObservableLongMeasurement journaled = gauge(meter, "llmops.sink.journal.records", "Records waiting in a sink queue's journal file.");
    ObservableLongMeasurement delivered = counter(meter, "llmops.sink.records.delivered", "{record}", "Records a sink accepted.");
    ObservableLongMeasurement dropped = counter(meter, "llmops.sink.records.dropped", "{record}",
        "Records a sink queue dropped by its policy, by reason.");
    ObservableLongMeasurement failures = counter(meter, "llmops.sink.write.failures", "{write}", "Writes to a sink that threw.");
    ObservableLongMeasurement retries = counter(meter, "llmops.sink.write.retries", "{write}",
        "Writes to a sink scheduled again after a failure.");
    ObservableLongMeasurement corrupt = counter(meter, "llmops.sink.journal.corrupt_lines", "{line}",
        "Journal lines that could not be read back.");
    List<Supplier<? extends Collection<SinkStats>>> sources = List.copyOf(b.sources);
    this.callback = meter.batchCallback(() -> {
      for (Supplier<? extends Collection<SinkStats>> source : sources) {
        Collection<SinkStats> all;
        try {
          all = source.get();
        } catch (RuntimeException e) {
          continue; // a closed or broken source must not stop the others being observed
        }
        for (SinkStats s : all) {
          Attributes a = Attributes.of(SINK_KEY, s.name());
          depth.record(s.depth(), a);
          capacity.record(s.capacity(), a);
          journaled.record(s.journaled(), a);
          delivered.record(s.delivered(), a);
          failures.record(s.failures(), a);
          retries.record(s.retries(), a);
          corrupt.record(s.corruptLines(), a);
          for (Map.Entry<SinkEvent.DropReason, Long> d : s.drops().entrySet()) {
            dropped.record(d.getValue(), Attributes.of(SINK_KEY, s.name(), REASON_KEY,
                d.getKey().name().toLowerCase(Locale.ROOT)));
          }
        }
      }
    }, depth, capacity, journaled, delivered, dropped, failures, retries, corrupt);
  }

  private static ObservableLongMeasurement gauge(Meter meter, String name, String description) {
    return meter.gaugeBuilder(name).ofLongs().setUnit("{record}").setDescription(description).buildObserver();
  }

  private static ObservableLongMeasurement counter(Meter meter, String name, String unit, String description) {
    return meter.counterBuilder(name).setUnit(unit).setDescription(description).buildObserver();
  }

  /** A builder registering instruments on {@code openTelemetry}'s meter provider. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /** Stops observing the sources. */
  @Override
  public void close() {
    callback.close();
  }

  /** Builds {@link OtelSinkMetrics}. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private final List<Supplier<? extends Collection<SinkStats>>> sources = new ArrayList<>();

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * Observes the queues {@code source} reports at each collection: {@code client::sinkStats},
     * {@code auditLog::sinkStats}, {@code transcripts::sinkStats}. Queue names must be unique across
     * sources (give each client's ledger its own instrumentation otherwise).
     */
    public Builder observe(Supplier<? extends Collection<SinkStats>> source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /** Registers the instruments and their callback. */
    public OtelSinkMetrics build() {
      return new OtelSinkMetrics(this);
    }
  }
}
