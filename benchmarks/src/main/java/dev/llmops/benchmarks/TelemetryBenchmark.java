package dev.llmops.benchmarks;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.otel.OtelInstrumentation;
import dev.llmops.testkit.FakeChatModel;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of spans and metrics per call: the same fake call through a client without and with
 * {@link OtelInstrumentation}, on the OpenTelemetry SDK (always-on sampling, a span processor
 * whose exporter drops, a metric reader that exports once a minute). The difference is the
 * telemetry's cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TelemetryBenchmark {
  private FakeChatModel model = FakeChatModel.create();
  private LlmClient plain = LlmClient.builder().model("fake", model).build();
  private LlmClient instrumented = plain;
  private OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().build();
  private final ChatRequest request = ChatRequest.of("What is the capital of France?");

  /** Builds both clients over one fake and the SDK. */
  @Setup(Level.Trial)
  public void setUp() {
    model = FakeChatModel.builder().recordRequests(false).build();
    model.when(r -> true).reply("Paris is the capital of France.");
    sdk = droppingSdk();
    plain = LlmClient.builder().model("fake", model).build();
    instrumented = LlmClient.builder().model("fake", model).listener(OtelInstrumentation.create(sdk)).build();
  }

  /** Forgets the fake's recorded requests so memory stays flat. */
  @Setup(Level.Iteration)
  public void forget() {
    model.reset();
    model.when(r -> true).reply("Paris is the capital of France.");
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    instrumented.close();
    sdk.close();
  }

  /** A call without telemetry. */
  @Benchmark
  public Completion withoutTelemetry() {
    return plain.chat(request);
  }

  /** The same call with one span and the GenAI metrics. */
  @Benchmark
  public Completion withTelemetry() {
    return instrumented.chat(request);
  }

  /**
   * The SDK as the telemetry benchmarks run it: default (always-on) sampling, a simple span
   * processor over an exporter that drops, a metric reader that exports (and drops) once a minute.
   */
  static OpenTelemetrySdk droppingSdk() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(new DroppingSpans())).build())
        .setMeterProvider(SdkMeterProvider.builder()
            .registerMetricReader(PeriodicMetricReader.builder(new DroppingMetrics()).setInterval(Duration.ofMinutes(1)).build())
            .build())
        .build();
  }

  /** Drops spans: the cost measured is ours and the SDK's, not an exporter's. */
  static final class DroppingSpans implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Drops metrics. */
  static final class DroppingMetrics implements MetricExporter {
    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
