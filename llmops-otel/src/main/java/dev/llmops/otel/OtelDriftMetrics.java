package dev.llmops.otel;

import dev.llmops.core.redaction.Redactor;
import dev.llmops.eval.monitor.DriftEvent;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Emits a {@code llmops-eval} {@code DriftMonitor}'s comparisons as OpenTelemetry metrics, the only
 * module that speaks it:
 *
 * <ul>
 *   <li>{@value #PSI_METRIC} (gauge, unit {@code 1}): the last PSI of each slice and signal;
 *   <li>{@value #P_VALUE_METRIC} (gauge, unit {@code 1}): the last two-sample test's p-value;
 *   <li>{@value #DRIFTED_METRIC} (gauge, unit {@code 1}): 1 if the last comparison drifted, else 0;
 *       in Prometheus {@code llmops_drift_drifted}, what {@code SloRules}' {@code LlmopsDrift}
 *       alert reads;
 *   <li>{@value #EVENTS_METRIC} (counter, unit {@code {event}}): comparisons that drifted; in
 *       Prometheus {@code llmops_drift_events_total}. Every comparison adds to it (0 when it did not
 *       drift), so the series exists before its first drift and {@code increase()} sees that one.
 * </ul>
 *
 * Each with {@value #SIGNAL_ATTRIBUTE} (the signal's name, for example {@code LATENCY_MS}),
 * {@value #TEST_ATTRIBUTE} ({@code kolmogorov-smirnov} or {@code chi-square}) and the slice:
 * {@code llmops.feature} (redacted, as on spans), {@code llmops.endpoint}, {@code
 * gen_ai.prompt.name}, {@code llmops.prompt.version}, {@code llmops.experiment.key} and {@code
 * llmops.experiment.variant}, each when the slice has it. The gauges keep one value per slice and
 * signal, so their series are bounded by the monitor's {@code maxKeys}.
 *
 * <pre>{@code
 * DriftMonitor drift = DriftMonitor.builder()
 *     .comparisonListener(OtelDriftMetrics.create(openTelemetry))
 *     .build();
 * }</pre>
 *
 * Needs {@code llmops-eval} on the class path (an optional dependency of this module). Scope
 * {@value OtelInstrumentation#INSTRUMENTATION_SCOPE}. Thread-safe.
 */
@SuppressWarnings("exports") // llmops-eval is optional here: an application that uses this class has it
public final class OtelDriftMetrics implements Consumer<DriftEvent> {
  /** The PSI gauge's name. */
  public static final String PSI_METRIC = "llmops.drift.psi";
  /** The p-value gauge's name. */
  public static final String P_VALUE_METRIC = "llmops.drift.p_value";
  /** The drifted gauge's name. */
  public static final String DRIFTED_METRIC = "llmops.drift.drifted";
  /** The drift counter's name. */
  public static final String EVENTS_METRIC = "llmops.drift.events";
  /** The attribute naming the signal. */
  public static final String SIGNAL_ATTRIBUTE = "llmops.drift.signal";
  /** The attribute naming the two-sample test. */
  public static final String TEST_ATTRIBUTE = "llmops.drift.test";

  private static final AttributeKey<String> SIGNAL = AttributeKey.stringKey(SIGNAL_ATTRIBUTE);
  private static final AttributeKey<String> TEST = AttributeKey.stringKey(TEST_ATTRIBUTE);

  /** The last comparison per series: PSI, p-value, and 1 if it drifted. */
  private final Map<Attributes, double[]> latest = new ConcurrentHashMap<>();
  private final LongCounter events;
  private final Redactor redactor;

  private OtelDriftMetrics(OpenTelemetry openTelemetry, Redactor redactor) {
    this.redactor = redactor;
    Meter meter = openTelemetry.getMeter(OtelInstrumentation.INSTRUMENTATION_SCOPE);
    meter.gaugeBuilder(PSI_METRIC).setUnit("1")
        .setDescription("Population stability index of the last full window against its reference, per slice and signal.")
        .buildWithCallback(m -> latest.forEach((a, v) -> m.record(v[0], a)));
    meter.gaugeBuilder(P_VALUE_METRIC).setUnit("1")
        .setDescription("P-value of the last two-sample test of a window against its reference, per slice and signal.")
        .buildWithCallback(m -> latest.forEach((a, v) -> m.record(v[1], a)));
    meter.gaugeBuilder(DRIFTED_METRIC).setUnit("1")
        .setDescription("1 if the last full window drifted from its reference (PSI and test), else 0, per slice and signal.")
        .buildWithCallback(m -> latest.forEach((a, v) -> m.record(v[2], a)));
    this.events = meter.counterBuilder(EVENTS_METRIC).setUnit("{event}")
        .setDescription("Windows that drifted from their reference: PSI at the threshold and the test significant.")
        .build();
  }

  /** Emits through {@code openTelemetry}, redacting the feature with {@link Redactor#defaults()}. */
  public static OtelDriftMetrics create(OpenTelemetry openTelemetry) {
    return create(openTelemetry, Redactor.defaults());
  }

  /** Emits through {@code openTelemetry}, redacting the feature with {@code redactor}. */
  public static OtelDriftMetrics create(OpenTelemetry openTelemetry, Redactor redactor) {
    return new OtelDriftMetrics(Objects.requireNonNull(openTelemetry, "openTelemetry"),
        Objects.requireNonNull(redactor, "redactor"));
  }

  /** Emits through {@link GlobalOpenTelemetry#get()}. */
  public static OtelDriftMetrics create() {
    return create(GlobalOpenTelemetry.get());
  }

  /** Keeps the comparison for the gauges and adds it to the counter (1 if it drifted, else 0). */
  @Override
  public void accept(DriftEvent comparison) {
    Attributes a = SliceAttributes.prompt(SliceAttributes.slice(Attributes.builder(), comparison.key(), redactor),
            comparison.key())
        .put(SIGNAL, comparison.signal().name())
        .put(TEST, comparison.test())
        .build();
    latest.put(a, new double[] {comparison.psi(), comparison.pValue(), comparison.drifted() ? 1 : 0});
    events.add(comparison.drifted() ? 1 : 0, a);
  }
}
