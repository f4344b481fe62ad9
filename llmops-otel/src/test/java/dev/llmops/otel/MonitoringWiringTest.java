package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Money;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.LlmClient;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.eval.evaluator.Evaluators;
import dev.llmops.eval.monitor.DriftEvent;
import dev.llmops.eval.monitor.DriftMonitor;
import dev.llmops.eval.monitor.Guard;
import dev.llmops.eval.monitor.GuardedRollout;
import dev.llmops.eval.monitor.ModelChangeDetector;
import dev.llmops.eval.monitor.OnlineEvaluation;
import dev.llmops.eval.monitor.RolloutEvent;
import dev.llmops.eval.monitor.Signal;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The wiring of every monitor that {@code docs/monitoring.md} opens with, compiled and run. */
class MonitoringWiringTest {
  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  private final OpenTelemetry openTelemetry = OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .setLoggerProvider(SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
      .build();
  private final Experiments experiments = Experiments.builder().clock(clock)
      .add(Experiment.builder("model-upgrade").feature("support")
          .variant(Variant.of("stable").withModel("stable"))
          .variant(Variant.of("next").withModel("next"))
          .ramp(new Experiment.Ramp("next", List.of(0.1, 0.25, 0.5)))
          .build())
      .build();
  private final List<DriftEvent> alerts = new CopyOnWriteArrayList<>();
  private final List<AuditEvent> auditLog = new CopyOnWriteArrayList<>();
  private final List<RolloutEvent> events = new CopyOnWriteArrayList<>();

  @Test
  void everyMonitorWiredAsTheGuideShows() {
    // sample-start monitoring-wiring
    DriftMonitor drift = DriftMonitor.builder().clock(clock).listener(alerts::add)
        .comparisonListener(OtelDriftMetrics.create(openTelemetry))   // llmops-otel: drift metrics
        .piiScan(Redactor.defaults(), 0.01)                          // 1 % of calls scanned
        .build();
    ModelChangeDetector models = ModelChangeDetector.builder().clock(clock).audit(auditLog::add)
        .driftMonitor(drift).build();
    GuardedRollout rollout = GuardedRollout.builder(experiments, "model-upgrade")
        .guard(Guard.errorRate()).guard(Guard.latency())
        .guard(Guard.costPerCall(0.10, Guard.Action.HOLD)).guard(Guard.score())
        .guard(Guard.drift(Signal.REFUSAL, 0.1, Guard.Action.ROLL_BACK))
        .clock(clock).scheduler(scheduler).listener(events::add)
        .build();
    OnlineEvaluation online = OnlineEvaluation.builder()
        .evaluator(Evaluators.length(1, 2000))                     // any Evaluator, an LLM judge too
        .sampleRate(0.01).sampleRate("support", 0.05)              // per feature
        .sampleRate("model-upgrade", "next", 0.2)                  // per variant (wins)
        .budget(Money.usd("5.00")).clock(clock).driftMonitor(drift)
        .listener(rollout::score)                                  // scores feed the SCORE guard
        .listener(OtelEvaluations.create(openTelemetry))           // llmops-otel: events and a metric
        .build();
    LlmClient client = LlmClient.builder().clock(clock).scheduler(scheduler)
        .model("stable", FakeChatModel.create()).model("next", FakeChatModel.create())
        .experiments(experiments)
        .listener(drift).listener(models).listener(online).listener(rollout)
        .closeOnClose(online).closeOnClose(rollout).closeOnClose(drift).build();
    rollout.start();
    drift.checkEvery(scheduler, Duration.ofMinutes(1));                   // compare windows every minute
    // sample-end monitoring-wiring
    try (client) {
      for (int i = 0; i < 300; i++) {
        client.request(ChatRequest.builder().user("hello").build())
            .context(CallContext.ofSubject("user-" + i).withFeature("support")).call();
      }
      clock.advance(Duration.ofMinutes(3));
    }
    assertThat(drift.keys()).extracting(k -> k.variant()).contains("model-upgrade:stable", "model-upgrade:next");
    var stable = drift.keys().stream().filter(k -> k.variant().endsWith(":stable")).findFirst().orElseThrow();
    assertThat(drift.windowCount(stable, Signal.OUTCOME)).as("the scheduled check made the full window the reference")
        .isZero();
    assertThat(alerts).isEmpty();
    assertThat(events).as("no step lasted its 30 minutes yet").isEmpty();
    assertThat(rollout.done()).as("closed with the client").isTrue();
    assertThat(online.stats().sampled()).isPositive();
  }
}
