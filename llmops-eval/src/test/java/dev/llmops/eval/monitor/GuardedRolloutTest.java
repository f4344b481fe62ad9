package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Cost;
import dev.llmops.api.LlmException;
import dev.llmops.api.Money;
import dev.llmops.core.LlmClient;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.ExperimentChange;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Whole rollouts on the test clock: calls flow through a real client with an experiment, the
 * controller looks every minute on the manual scheduler, and acts through the audited API.
 */
class GuardedRolloutTest {
  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final List<ExperimentChange> audit = new CopyOnWriteArrayList<>();
  private final List<RolloutEvent> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger callNumber = new AtomicInteger();

  private Experiments experiments() {
    return Experiments.builder().clock(clock).auditListener(audit::add)
        .add(Experiment.builder("model-upgrade").feature("support")
            .variant(Variant.of("stable").withModel("stable"))
            .variant(Variant.of("next").withModel("next"))
            .ramp(new Experiment.Ramp("next", List.of(0.1, 0.25, 0.5)))
            .build())
        .build();
  }

  /** A fake that fails every {@code every}-th request with a 503. */
  private static FakeChatModel failingEvery(int every, String id) {
    AtomicInteger n = new AtomicInteger();
    FakeChatModel fake = FakeChatModel.builder().modelId(id).build();
    return fake.when(r -> n.incrementAndGet() % every == 0).fail(Fault.serverError(503));
  }

  private LlmClient client(Experiments x, FakeChatModel stable, FakeChatModel next, double nextCostFactor,
      GuardedRollout rollout) {
    return LlmClient.builder().clock(clock).scheduler(scheduler)
        .model("stable", stable).model("next", next)
        .experiments(x)
        // Costs as accounting would record them: 100 to 140 micro-dollars, the canary's scaled.
        .interceptor(chain -> chain.proceed(chain.request()).thenApply(r -> {
          long micros = 100 + (callNumber.incrementAndGet() % 5) * 10L;
          double factor = "n".equals(r.model()) ? nextCostFactor : 1.0; // the canary's fake answers as "n"
          Money m = Money.ofNanos(Math.round(micros * factor * 1000));
          chain.call().attributes().put(Cost.KEY,
              new Cost(m, m, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, false, "test", "test"));
          return r;
        }))
        .listener(rollout)
        .build();
  }

  /** {@code n} calls of distinct subjects, then a minute passes (the controller looks). */
  private void traffic(LlmClient client, int n) {
    for (int i = 0; i < n; i++) {
      int id = callNumber.get() * 7 + i;
      try {
        client.request(ChatRequest.builder().user("hi").build())
            .context(CallContext.ofSubject("user-" + id).withFeature("support")).call();
      } catch (LlmException expected) {
        // failed calls are what the error guard counts
      }
    }
    clock.advance(Duration.ofMinutes(1));
  }

  private GuardedRollout rollout(Experiments x, Guard... guards) {
    GuardedRollout.Builder b = GuardedRollout.builder(x, "model-upgrade").clock(clock).scheduler(scheduler)
        .minSamples(200).minStepDuration(Duration.ofMinutes(10)).interval(Duration.ofMinutes(1))
        .listener(events::add);
    for (Guard g : guards) {
      b.guard(g);
    }
    return b.build();
  }

  @Test
  void aHealthyCanaryIsAdvancedStepByStepAndPromoted() {
    Experiments x = experiments();
    GuardedRollout rollout = rollout(x, Guard.errorRate(), Guard.costPerCall(0.10, Guard.Action.ROLL_BACK));
    try (LlmClient client = client(x, failingEvery(50, "s"), failingEvery(50, "n"), 1.0, rollout)) {
      rollout.start();
      for (int minute = 0; minute < 120 && !rollout.done(); minute++) {
        traffic(client, 300);
      }
    }
    assertThat(events).extracting(RolloutEvent::kind).containsExactly(
        RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.PROMOTED);
    assertThat(x.get("model-upgrade").orElseThrow().weights()).containsExactly(0.5, 0.5);
    assertThat(audit).extracting(ExperimentChange::kind).containsOnly(ExperimentChange.Kind.RAMP).hasSize(2);
    assertThat(audit.get(0).reason()).startsWith("guarded rollout: step 0 healthy");
    // Each step lasted at least its minimum on the test clock.
    assertThat(Duration.between(audit.get(0).at(), audit.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aCanaryWithThreeTimesTheErrorsIsRolledBackWithItsStatistic() {
    Experiments x = experiments();
    GuardedRollout rollout = rollout(x, Guard.errorRate());
    FakeChatModel next = failingEvery(17, "n");
    try (LlmClient client = client(x, failingEvery(50, "s"), next, 1.0, rollout)) {
      rollout.start();
      for (int minute = 0; minute < 120 && !rollout.done(); minute++) {
        traffic(client, 300);
      }
      assertThat(rollout.done()).isTrue();
      RolloutEvent last = events.get(events.size() - 1);
      assertThat(last.kind()).isEqualTo(RolloutEvent.Kind.ROLLED_BACK);
      assertThat(last.guard()).isEqualTo(Guard.Metric.ERROR_RATE);
      assertThat(last.likelihoodRatio()).isGreaterThanOrEqualTo(20);
      assertThat(last.pValue()).isLessThanOrEqualTo(0.05);
      assertThat(last.canaryMean()).isGreaterThan(2 * last.controlMean());
      assertThat(x.get("model-upgrade").orElseThrow().weights()).containsExactly(1.0, 0.0);
      ExperimentChange rollback = audit.get(audit.size() - 1);
      assertThat(rollback.after()).isEqualTo("step -1 [1.0, 0.0]");
      assertThat(rollback.reason()).contains("guard ERROR_RATE").contains("mSPRT Lambda=");
      // Rolled back: every later call goes to the control.
      int before = next.callCount();
      traffic(client, 50);
      assertThat(next.callCount()).isEqualTo(before);
      assertThat(events).filteredOn(e -> e.kind() == RolloutEvent.Kind.ROLLED_BACK).hasSize(1);
    }
  }

  @Test
  void aCanaryThirtyPercentMoreExpensiveIsHeldOrRolledBackByPolicy() {
    Experiments held = experiments();
    GuardedRollout hold = rollout(held, Guard.errorRate(), Guard.costPerCall(0.10, Guard.Action.HOLD));
    try (LlmClient client = client(held, failingEvery(50, "s"), failingEvery(50, "n"), 1.3, hold)) {
      hold.start();
      for (int minute = 0; minute < 60; minute++) {
        traffic(client, 300);
      }
    }
    assertThat(events).extracting(RolloutEvent::kind).containsExactly(RolloutEvent.Kind.HELD);
    assertThat(events.get(0).guard()).isEqualTo(Guard.Metric.COST_MICRO_USD);
    assertThat(events.get(0).canaryMean() / events.get(0).controlMean()).isBetween(1.25, 1.35);
    assertThat(held.get("model-upgrade").orElseThrow().rampStep()).isZero();
    assertThat(hold.done()).isFalse();

    events.clear();
    Experiments rolled = experiments();
    GuardedRollout back = rollout(rolled, Guard.costPerCall(0.10, Guard.Action.ROLL_BACK));
    try (LlmClient client = client(rolled, failingEvery(50, "s"), failingEvery(50, "n"), 1.3, back)) {
      back.start();
      for (int minute = 0; minute < 60 && !back.done(); minute++) {
        traffic(client, 300);
      }
    }
    assertThat(events).extracting(RolloutEvent::kind).containsExactly(RolloutEvent.Kind.ROLLED_BACK);
    assertThat(rolled.get("model-upgrade").orElseThrow().rampStep()).isEqualTo(-1);
  }

  @Test
  void theKillSwitchWins() {
    Experiments x = experiments();
    GuardedRollout rollout = rollout(x, Guard.errorRate());
    try (LlmClient client = client(x, failingEvery(50, "s"), failingEvery(50, "n"), 1.0, rollout)) {
      rollout.start();
      traffic(client, 300);
      x.kill("model-upgrade", "incident 42");
      traffic(client, 300);
      assertThat(rollout.done()).isTrue();
      assertThat(events).extracting(RolloutEvent::kind).containsExactly(RolloutEvent.Kind.KILLED);
      for (int minute = 0; minute < 30; minute++) {
        traffic(client, 300);
      }
      assertThat(events).hasSize(1);
      assertThat(audit).extracting(ExperimentChange::kind).containsExactly(ExperimentChange.Kind.STATUS);
    }
  }

  @Test
  void badSettingsFailAtOnce() {
    Experiments x = experiments();
    assertThatThrownBy(() -> GuardedRollout.builder(x, "model-upgrade").build())
        .hasMessageContaining("at least one guard");
    assertThatThrownBy(() -> GuardedRollout.builder(x, "nope").guard(Guard.errorRate()).build())
        .hasMessageContaining("no experiment 'nope'");
    assertThatThrownBy(() -> GuardedRollout.builder(x, "model-upgrade").control("next").guard(Guard.errorRate()).build())
        .hasMessageContaining("must be a variant other than the canary");
    assertThatThrownBy(() -> new Guard(Guard.Metric.SCORE, -1, 1, Guard.Action.HOLD)).hasMessageContaining("margin");
  }
}
