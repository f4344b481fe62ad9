package dev.llmops.otel;

import dev.llmops.core.redaction.Redactor;
import dev.llmops.eval.monitor.MonitorKey;
import dev.llmops.eval.monitor.OnlineScore;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.DoubleHistogram;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Emits online evaluation scores ({@code llmops-eval}'s {@link OnlineScore}, from {@code
 * OnlineEvaluation} and user feedback) as OpenTelemetry, the only module that speaks it:
 *
 * <ul>
 *   <li>each score as the GenAI semantic conventions' {@value #EVENT} event: a log record with that
 *       event name, timestamped when the score was made, with {@code gen_ai.evaluation.name},
 *       {@code gen_ai.evaluation.score.value} (absent for label-only feedback), {@code
 *       gen_ai.evaluation.score.label}, {@code gen_ai.evaluation.explanation} (redacted), {@code
 *       gen_ai.response.id} when known (the event is made off the call path, so no span parents
 *       it), and the slice ({@code llmops.feature} (redacted, as on spans), {@code llmops.endpoint}, {@code
 *       gen_ai.prompt.name}, {@code llmops.prompt.version}, {@code llmops.experiment.key}, {@code
 *       llmops.experiment.variant}, each when the call had it);
 *   <li>each numeric score into the histogram {@value #SCORE_METRIC} (unit {@code {score}}, buckets
 *       every tenth from 0.1 to 1), with {@code gen_ai.evaluation.name}, {@code llmops.feature},
 *       {@code llmops.endpoint}, {@code llmops.experiment.key} and {@code llmops.experiment.variant}:
 *       in Prometheus {@code llmops_evaluation_score_sum} / {@code _count}, what {@code SloRules}'
 *       quality SLO reads.
 * </ul>
 *
 * <pre>{@code
 * OnlineEvaluation online = OnlineEvaluation.builder()
 *     .evaluator(judge)
 *     .listener(OtelEvaluations.create(openTelemetry))
 *     .build();
 * }</pre>
 *
 * Needs {@code llmops-eval} on the class path (an optional dependency of this module). Scope
 * {@value OtelInstrumentation#INSTRUMENTATION_SCOPE}. Thread-safe; never throws into the scoring
 * thread for a well-formed score.
 */
@SuppressWarnings("exports") // llmops-eval is optional here: an application that uses this class has it
public final class OtelEvaluations implements Consumer<OnlineScore> {
  /** The event name of the semantic conventions. */
  public static final String EVENT = "gen_ai.evaluation.result";
  /** The score histogram's name. */
  public static final String SCORE_METRIC = "llmops.evaluation.score";

  static final AttributeKey<String> NAME = AttributeKey.stringKey("gen_ai.evaluation.name");
  static final AttributeKey<Double> SCORE_VALUE = AttributeKey.doubleKey("gen_ai.evaluation.score.value");
  static final AttributeKey<String> SCORE_LABEL = AttributeKey.stringKey("gen_ai.evaluation.score.label");
  static final AttributeKey<String> EXPLANATION = AttributeKey.stringKey("gen_ai.evaluation.explanation");
  private static final List<Double> BUCKETS = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);

  private final Logger logger;
  private final DoubleHistogram scores;
  private final Redactor redactor;

  private OtelEvaluations(OpenTelemetry openTelemetry, Redactor redactor) {
    this.logger = openTelemetry.getLogsBridge().get(OtelInstrumentation.INSTRUMENTATION_SCOPE);
    this.scores = openTelemetry.getMeter(OtelInstrumentation.INSTRUMENTATION_SCOPE).histogramBuilder(SCORE_METRIC)
        .setUnit("{score}")
        .setDescription("Online evaluation scores and numeric user feedback, in [0, 1].")
        .setExplicitBucketBoundariesAdvice(BUCKETS)
        .build();
    this.redactor = redactor;
  }

  /** Emits through {@code openTelemetry}, redacting explanations with {@link Redactor#defaults()}. */
  public static OtelEvaluations create(OpenTelemetry openTelemetry) {
    return create(openTelemetry, Redactor.defaults());
  }

  /** Emits through {@code openTelemetry}, redacting explanations (user comments, judge reasons) with {@code redactor}. */
  public static OtelEvaluations create(OpenTelemetry openTelemetry, Redactor redactor) {
    return new OtelEvaluations(Objects.requireNonNull(openTelemetry, "openTelemetry"),
        Objects.requireNonNull(redactor, "redactor"));
  }

  /** Emits through {@link GlobalOpenTelemetry#get()}. */
  public static OtelEvaluations create() {
    return create(GlobalOpenTelemetry.get());
  }

  /** Emits {@code score} as an event and, when it has a value, into the histogram. */
  @Override
  public void accept(OnlineScore score) {
    MonitorKey key = score.key();
    AttributesBuilder slice = SliceAttributes.slice(Attributes.builder(), key, redactor);
    boolean numeric = !Double.isNaN(score.value());
    if (numeric) {
      scores.record(score.value(), slice.put(NAME, score.name()).build());
    }
    AttributesBuilder event = SliceAttributes.prompt(slice.put(NAME, score.name()), key);
    if (numeric) {
      event.put(SCORE_VALUE, score.value());
    }
    SliceAttributes.putIfSet(event, SCORE_LABEL, score.label());
    String explanation = score.explanation();
    if (explanation != null && !explanation.isEmpty()) {
      event.put(EXPLANATION, redactor.redact(explanation));
    }
    SliceAttributes.putIfSet(event, Keys.RESPONSE_ID, score.responseId());
    logger.logRecordBuilder()
        .setEventName(EVENT)
        .setTimestamp(score.at())
        .setAllAttributes(event.build())
        .emit();
  }
}
