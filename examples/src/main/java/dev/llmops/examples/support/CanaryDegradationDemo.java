package dev.llmops.examples.support;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.LlmException;
import dev.llmops.core.LlmClient;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.ExperimentChange;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.eval.monitor.DriftEvent;
import dev.llmops.eval.monitor.DriftMonitor;
import dev.llmops.eval.monitor.Guard;
import dev.llmops.eval.monitor.GuardedRollout;
import dev.llmops.eval.monitor.RolloutEvent;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated day of support traffic in which a canary model is rolled out by a {@link
 * GuardedRollout} and degrades at noon: from then on one answer in eight fails. The controller,
 * looking every five minutes, advances the canary while it is healthy and rolls it back soon after
 * noon, before the last step would have promoted it, with the mSPRT statistic in the audited reason.
 * A {@link DriftMonitor} beside it reports the canary's outcomes drifting from their reference.
 * Offline and on a {@link TestClock}: the day takes a few seconds.
 */
public final class CanaryDegradationDemo {
  private CanaryDegradationDemo() {}

  /** Runs the day and prints the timeline. */
  public static void main(String[] args) {
    System.out.println(run().render());
  }

  /** What happened during the day. */
  public record Day(Instant start, Instant degradedAt, List<RolloutEvent> events, List<ExperimentChange> audit,
      List<DriftEvent> drift, int calls, int failures) {

    /** The timeline, one line per controller action and per drift the drift monitor found, in time order. */
    public String render() {
      StringBuilder sb = new StringBuilder("Canary rollout of model 'next' (errors x1 until noon, then 1 in 8 answers fail)\n");
      sb.append(String.format(Locale.ROOT, "%d calls, %d failed%n", calls, failures));
      List<Map.Entry<Instant, String>> lines = new ArrayList<>();
      lines.add(Map.entry(degradedAt, "canary degrades"));
      for (RolloutEvent e : events) {
        lines.add(Map.entry(e.at(), String.format(Locale.ROOT, "%-11s step %2d  %s", e.kind(), e.step(), e.reason())));
      }
      for (DriftEvent d : drift) {
        lines.add(Map.entry(d.at(), String.format(Locale.ROOT, "%-11s          %s of %s: PSI %.2f, %s p=%.2g (%d calls against %d)",
            "DRIFT", d.signal(), d.key().variant(), d.psi(), d.test(), d.pValue(), d.currentCount(), d.referenceCount())));
      }
      lines.sort(Map.Entry.comparingByKey()); // stable: at one instant, the order above
      for (Map.Entry<Instant, String> l : lines) {
        sb.append(clockTime(l.getKey())).append("  ").append(l.getValue()).append('\n');
      }
      return sb.toString();
    }

    private String clockTime(Instant at) {
      Duration d = Duration.between(start, at);
      return String.format(Locale.ROOT, "%02d:%02d", d.toHours(), d.toMinutesPart());
    }
  }

  /** Runs the simulated day: 40 calls a minute from midnight to midnight. */
  public static Day run() {
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    Instant start = clock.instant();
    Instant noon = start.plus(Duration.ofHours(12));
    List<ExperimentChange> audit = new ArrayList<>();
    List<RolloutEvent> events = new ArrayList<>();
    List<DriftEvent> drifted = new ArrayList<>();
    Experiments experiments = Experiments.builder().clock(clock).auditListener(audit::add)
        .add(Experiment.builder("support-model").feature("support")
            .variant(Variant.of("stable").withModel("stable"))
            .variant(Variant.of("next").withModel("next"))
            .ramp(new Experiment.Ramp("next", List.of(0.05, 0.2, 0.5)))
            .build())
        .build();
    AtomicInteger stableCalls = new AtomicInteger();
    AtomicInteger nextCalls = new AtomicInteger();
    AtomicBoolean degraded = new AtomicBoolean();
    FakeChatModel stable = FakeChatModel.builder().modelId("gpt-4o").build();
    stable.when(r -> stableCalls.incrementAndGet() % 100 == 0).fail(Fault.serverError(503));
    FakeChatModel next = FakeChatModel.builder().modelId("gpt-next").build();
    next.when(r -> nextCalls.incrementAndGet() % (degraded.get() ? 8 : 100) == 0).fail(Fault.serverError(503));
    GuardedRollout rollout = GuardedRollout.builder(experiments, "support-model")
        .guard(Guard.errorRate()).guard(Guard.latency())
        .minSamples(300).minStepDuration(Duration.ofHours(5)).interval(Duration.ofMinutes(5))
        .clock(clock).scheduler(scheduler).listener(events::add)
        .build();
    // Beside the controller, a drift monitor compares each slice's last quarter hour with its reference.
    DriftMonitor drift = DriftMonitor.builder().clock(clock).minSamples(200).listener(drifted::add).build();
    int calls = 0;
    int failures = 0;
    try (LlmClient client = LlmClient.builder().clock(clock).scheduler(scheduler)
        .model("stable", stable).model("next", next).experiments(experiments).listener(rollout).listener(drift)
        .closeOnClose(drift).build()) {
      rollout.start();
      drift.checkEvery(scheduler, Duration.ofMinutes(15));
      for (int minute = 0; minute < 24 * 60; minute++) {
        degraded.set(!clock.instant().isBefore(noon));
        for (int i = 0; i < 40; i++) {
          calls++;
          try {
            client.request(ChatRequest.builder().user("Where is my order?").build())
                .context(CallContext.ofSubject("customer-" + (minute * 40 + i) % 5000).withFeature("support")).call();
          } catch (LlmException e) {
            failures++;
          }
        }
        clock.advance(Duration.ofMinutes(1));
      }
      rollout.close();
    }
    return new Day(start, noon, List.copyOf(events), List.copyOf(audit), List.copyOf(drifted), calls, failures);
  }
}
