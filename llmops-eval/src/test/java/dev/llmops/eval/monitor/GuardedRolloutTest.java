package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Cost;
import dev.llmops.api.LlmException;
import dev.llmops.api.Money;
import dev.llmops.core.LlmClient;
import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.ExperimentChange;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptEvent;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
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
  /** Milliseconds each answer takes on the test clock, by whether the canary ("n") answered. */
  private ToLongFunction<Boolean> latency = canary -> 0;

  private Experiments experiments() {
    return experiments(audit);
  }

  private Experiments experiments(List<ExperimentChange> audit) {
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
          long ms = latency.applyAsLong("n".equals(r.model()));
          if (ms > 0) {
            clock.advance(Duration.ofMillis(ms));
          }
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

  // ---- the kill switch across replicas ----

  /** One replica of "model-upgrade" over {@code store}: its experiments, audit and controller. */
  private final class Replica {
    final List<ExperimentChange> audit = new CopyOnWriteArrayList<>();
    final Experiments x = experiments(audit);
    final GuardedRollout rollout;

    Replica(RolloutStore store, String name) {
      rollout = GuardedRollout.builder(x, "model-upgrade").clock(clock).scheduler(scheduler).store(store)
          .replica(name).guard(Guard.errorRate()).minSamples(200).minStepDuration(Duration.ofMinutes(10))
          .interval(Duration.ofMinutes(1)).listener(events::add).build();
    }

    Experiment.Status status() {
      return x.get("model-upgrade").orElseThrow().status();
    }

    /** Whether any of 200 new subjects gets the canary. */
    boolean assignsTheCanary() {
      for (int i = 0; i < 200; i++) {
        Assignment a = x.assign("model-upgrade", "probe-" + callNumber.incrementAndGet());
        if (a != null && a.variant().equals("next")) {
          return true;
        }
      }
      return false;
    }
  }

  @Test
  void aKillOnTheActingReplicaIsAppliedByEveryOther() {
    RolloutStore store = RolloutStore.inMemory(clock);
    Replica a = new Replica(store, "replica-a");
    Replica b = new Replica(store, "replica-b");
    Replica c = new Replica(store, "replica-c");
    List.of(a, b, c).forEach(r -> r.rollout.start());
    clock.advance(Duration.ofMinutes(1)); // a looks first, so it acts
    assertThat(b.assignsTheCanary()).as("the canary serves at its first step").isTrue();
    a.x.kill("model-upgrade", "incident 7");
    clock.advance(Duration.ofMinutes(1));
    for (Replica r : List.of(a, b, c)) {
      assertThat(r.status()).isEqualTo(Experiment.Status.KILLED);
      assertThat(r.rollout.done()).isTrue();
      assertThat(r.assignsTheCanary()).isFalse();
      assertThat(r.rollout.storeFailures()).isZero();
    }
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(RolloutEvent.Kind.KILLED);
      assertThat(e.reason()).startsWith("kill switch is on (set on replica replica-a: ");
    });
    assertThat(a.rollout.history()).containsExactlyElementsOf(events);
    assertThat(List.of(b, c)).allSatisfy(r -> assertThat(r.audit).singleElement().satisfies(change -> {
      assertThat(change.kind()).isEqualTo(ExperimentChange.Kind.STATUS);
      assertThat(change.after()).isEqualTo("KILLED");
      assertThat(change.reason()).isEqualTo("guarded rollout: kill switch set on replica replica-a:"
          + " experiment 'model-upgrade' is killed on replica replica-a");
    }));
    assertThat(scheduler.pending()).as("every controller stopped looking").isZero();
  }

  @Test
  void aKillWithItsReasonOnAFollowerReachesEveryReplicaAtItsNextLookAndAReplicaStartedAnew() {
    RolloutStore store = RolloutStore.inMemory(clock);
    Replica a = new Replica(store, "replica-a");
    Replica b = new Replica(store, "replica-b");
    a.rollout.start();
    b.rollout.start();
    clock.advance(Duration.ofMinutes(1)); // a acts, b follows
    b.rollout.kill("incident 42: answers in the wrong language");
    assertThat(b.status()).isEqualTo(Experiment.Status.KILLED);
    assertThat(b.audit).extracting(ExperimentChange::reason).containsExactly("incident 42: answers in the wrong language");
    clock.advance(Duration.ofMinutes(1));
    assertThat(a.status()).isEqualTo(Experiment.Status.KILLED);
    assertThat(a.audit).extracting(ExperimentChange::reason).containsExactly(
        "guarded rollout: kill switch set on replica replica-b: incident 42: answers in the wrong language");
    assertThat(events).extracting(RolloutEvent::kind).containsExactly(RolloutEvent.Kind.KILLED);
    assertThat(a.rollout.history()).hasSize(1);
    assertThat(a.rollout.done()).isTrue();
    assertThat(b.rollout.done()).isTrue();
    assertThat(a.assignsTheCanary() || b.assignsTheCanary()).isFalse();

    Replica restarted = new Replica(store, "replica-a");
    assertThat(restarted.status()).isEqualTo(Experiment.Status.RUNNING);
    restarted.rollout.start();
    assertThat(restarted.status()).isEqualTo(Experiment.Status.KILLED);
    assertThat(restarted.rollout.done()).isTrue();
    assertThat(restarted.assignsTheCanary()).isFalse();
    assertThat(restarted.audit).extracting(ExperimentChange::reason).containsExactly(
        "guarded rollout: kill switch set on replica replica-b: incident 42: answers in the wrong language");
    assertThat(events).hasSize(1);
  }

  @Test
  void aStateSavedAsKilledKillsAFollowerEvenWithoutTheStoresKill() {
    RolloutStore shared = RolloutStore.inMemory(clock);
    RolloutStore forgetsKills = new RolloutStore() { // as a state saved by a release without shared kills
      @Override
      public boolean tryAct(String rollout, String replica, Duration lease) {
        return shared.tryAct(rollout, replica, lease);
      }

      @Override
      public void release(String rollout, String replica) {
        shared.release(rollout, replica);
      }

      @Override
      public Optional<String> state(String rollout) {
        return shared.state(rollout);
      }

      @Override
      public boolean saveState(String rollout, String replica, String state) {
        return shared.saveState(rollout, replica, state);
      }

      @Override
      public void add(String rollout, long window, String arm, Map<String, Double> increments) {
        shared.add(rollout, window, arm, increments);
      }

      @Override
      public Map<String, Double> counts(String rollout, long window, String arm) {
        return shared.counts(rollout, window, arm);
      }

      @Override
      public void forgetBefore(String rollout, long window) {
        shared.forgetBefore(rollout, window);
      }

      @Override
      public void kill(String rollout, String replica, String reason) {
        // dropped
      }

      @Override
      public Optional<Kill> killed(String rollout) {
        return Optional.empty();
      }
    };
    Replica a = new Replica(forgetsKills, "replica-a");
    Replica b = new Replica(forgetsKills, "replica-b");
    a.rollout.start();
    b.rollout.start();
    clock.advance(Duration.ofMinutes(1));
    a.x.kill("model-upgrade", "incident 9");
    clock.advance(Duration.ofMinutes(1));
    assertThat(events).extracting(RolloutEvent::kind).containsExactly(RolloutEvent.Kind.KILLED);
    assertThat(b.status()).isEqualTo(Experiment.Status.KILLED);
    assertThat(b.audit).extracting(ExperimentChange::reason)
        .containsExactly("guarded rollout: replica replica-b applies the shared state (killed)");
    assertThat(b.rollout.done()).isTrue();
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

  /** Runs a rollout until it is done or two hours passed. */
  private void drive(LlmClient client, GuardedRollout rollout) {
    rollout.start();
    for (int minute = 0; minute < 120 && !rollout.done(); minute++) {
      traffic(client, 300);
    }
  }

  @Test
  void aCanaryWithASlowTailIsRolledBackOnItsP95WhileAHealthyOneIsPromoted() {
    SplittableRandom random = new SplittableRandom(7);
    // Both arms answer in 100 to 200 ms; the slow canary takes three times as long once in six.
    latency = canary -> (100 + random.nextInt(100)) * (canary && random.nextInt(6) == 0 ? 3L : 1L);
    Experiments slow = experiments();
    GuardedRollout back = rollout(slow, Guard.latencyP95());
    try (LlmClient client = client(slow, failingEvery(1000, "s"), failingEvery(1000, "n"), 1.0, back)) {
      drive(client, back);
    }
    assertThat(events).extracting(RolloutEvent::kind).containsExactly(RolloutEvent.Kind.ROLLED_BACK);
    RolloutEvent e = events.get(0);
    assertThat(e.guard()).isEqualTo(Guard.Metric.LATENCY_P95);
    // Shares of calls slower than the bin of the control's p95 (a bin is 2 % wide, so below 5 % for the
    // control), and about 5/6·5 % + 1/6 ≈ 21 % for the canary.
    assertThat(e.controlMean()).isBetween(0.01, 0.05);
    assertThat(e.canaryMean()).isBetween(0.12, 0.30);
    assertThat(e.likelihoodRatio()).isGreaterThanOrEqualTo(20);
    assertThat(e.reason()).contains("guard LATENCY_P95").contains("p95 ");
    assertThat(slow.get("model-upgrade").orElseThrow().rampStep()).isEqualTo(-1);

    events.clear();
    latency = canary -> 100 + random.nextInt(100);
    Experiments same = experiments();
    GuardedRollout healthy = rollout(same, Guard.latencyP95(), Guard.latency());
    try (LlmClient client = client(same, failingEvery(1000, "s"), failingEvery(1000, "n"), 1.0, healthy)) {
      drive(client, healthy);
    }
    assertThat(events).extracting(RolloutEvent::kind).containsExactly(
        RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.PROMOTED);
  }

  @Test
  void aCanaryWhoseAnswersDriftIsRolledBackWhileAnUnchangedOneIsPromoted() {
    Experiments x = experiments();
    GuardedRollout rollout = rollout(x, Guard.drift(Signal.OUTPUT_TOKENS, 0.25, Guard.Action.ROLL_BACK));
    FakeChatModel verbose = FakeChatModel.builder().modelId("n").wordsPerReply(120).build();
    try (LlmClient client = client(x, FakeChatModel.builder().modelId("s").build(), verbose, 1.0, rollout)) {
      drive(client, rollout);
    }
    assertThat(events).extracting(RolloutEvent::kind).containsExactly(RolloutEvent.Kind.ROLLED_BACK);
    RolloutEvent e = events.get(0);
    assertThat(e.guard()).isEqualTo(Guard.Metric.DRIFT);
    assertThat(e.pValue()).isLessThan(0.001);
    assertThat(e.reason()).contains("guard DRIFT of OUTPUT_TOKENS").contains("PSI=");
    assertThat(e.canaryCalls()).isGreaterThanOrEqualTo(200);

    events.clear();
    Experiments same = experiments();
    GuardedRollout unchanged = rollout(same, Guard.drift(Signal.OUTPUT_TOKENS, 0.25, Guard.Action.ROLL_BACK),
        Guard.drift(Signal.OUTCOME, 0.25, Guard.Action.ROLL_BACK));
    try (LlmClient client = client(same, failingEvery(50, "s"), failingEvery(50, "n"), 1.0, unchanged)) {
      drive(client, unchanged);
    }
    assertThat(events).extracting(RolloutEvent::kind).containsExactly(
        RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.PROMOTED);
  }

  @Test
  void aCanaryThatRefusesMoreIsRolledBackOnTheRefusalSignal() {
    Experiments x = experiments();
    GuardedRollout rollout = rollout(x, Guard.drift(Signal.REFUSAL, 0.1, Guard.Action.ROLL_BACK));
    FakeChatModel prudish = FakeChatModel.builder().modelId("n").build();
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    prudish.when(q -> n.incrementAndGet() % 4 == 0).reply(dev.llmops.testkit.FakeReply.text("I can't help with that.")
        .withFinishReason(dev.llmops.api.FinishReason.CONTENT_FILTER)); // a quarter of its answers refused
    try (LlmClient client = client(x, FakeChatModel.builder().modelId("s").build(), prudish, 1.0, rollout)) {
      drive(client, rollout);
    }
    assertThat(events).extracting(RolloutEvent::kind).containsExactly(RolloutEvent.Kind.ROLLED_BACK);
    assertThat(events.get(0).reason()).contains("guard DRIFT of REFUSAL");
  }

  // ---- prompt label rollouts ----

  private final List<PromptEvent.LabelMoved> labelMoves = new CopyOnWriteArrayList<>();

  private PromptRegistry prompts() {
    return PromptRegistry.builder().clock(clock).listener(e -> {
      if (e instanceof PromptEvent.LabelMoved m) {
        labelMoves.add(m);
      }
    }).source(InMemoryPromptSource.builder()
        .add(PromptVersion.builder("support-reply", 1).model("smart").user("Answer briefly.").build(),
            PromptVersion.builder("support-reply", 2).model("smart").user("Answer briefly (v2).").build())
        .label("support-reply", PromptRegistry.PRODUCTION, 1)
        .build()).build();
  }

  private Experiments promptExperiment() {
    return Experiments.builder().clock(clock).auditListener(audit::add)
        .add(Experiment.builder("prompt-upgrade").prompt("support-reply")
            .variant(Variant.of("v1").withPromptVersion(1))
            .variant(Variant.of("v2").withPromptVersion(2))
            .ramp(new Experiment.Ramp("v2", List.of(0.1, 0.25, 0.5)))
            .build())
        .build();
  }

  /** A model that fails one v2 prompt in {@code v2Every} and one v1 prompt in 50. */
  private static FakeChatModel promptModel(int v2Every) {
    AtomicInteger v2 = new AtomicInteger();
    AtomicInteger all = new AtomicInteger();
    FakeChatModel fake = FakeChatModel.builder().modelId("smart").build();
    return fake.when(r -> isV2(r) && v2.incrementAndGet() % v2Every == 0).fail(Fault.serverError(503))
        .when(r -> !isV2(r) && all.incrementAndGet() % 50 == 0).fail(Fault.serverError(503));
  }

  private static boolean isV2(ChatRequest r) {
    return r.messages().stream().anyMatch(m -> m.content().contains("(v2)"));
  }

  /** A prompt label rollout on a client over {@code model}, driven until done or two hours passed. */
  private final class PromptRun implements AutoCloseable {
    final PromptRegistry registry = prompts();
    final Experiments x = promptExperiment();
    final GuardedRollout rollout = GuardedRollout.builder(x, "prompt-upgrade").clock(clock).scheduler(scheduler)
        .minSamples(200).minStepDuration(Duration.ofMinutes(10)).listener(events::add)
        .guard(Guard.errorRate()).promptLabel(registry, PromptRegistry.PRODUCTION).build();
    final FakeChatModel model;
    final LlmClient client;

    PromptRun(FakeChatModel model) {
      this.model = model;
      this.client = LlmClient.builder().clock(clock).scheduler(scheduler).model("smart", model)
          .prompts(registry).experiments(x).listener(rollout).build();
      rollout.start();
      for (int minute = 0; minute < 120 && !rollout.done(); minute++) {
        for (int i = 0; i < 300; i++) {
          call("user-" + callNumber.incrementAndGet());
        }
        clock.advance(Duration.ofMinutes(1));
      }
    }

    /** One call of the prompt; a failure is what the error guard counts. */
    void call(String subject) {
      try {
        client.prompt("support-reply").context(CallContext.ofSubject(subject)).call();
      } catch (LlmException expected) {
        // counted by the error guard
      }
    }

    @Override
    public void close() {
      client.close();
    }
  }

  @Test
  void aHealthyPromptVersionGetsTheLabelAndEveryCall() {
    try (PromptRun run = new PromptRun(promptModel(50))) {
      PromptRegistry registry = run.registry;
      assertThat(events).extracting(RolloutEvent::kind).containsExactly(
          RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.PROMOTED);
      assertThat(registry.labels("support-reply")).containsEntry(PromptRegistry.PRODUCTION, 2);
      assertThat(labelMoves).singleElement().satisfies(m -> {
        assertThat(m.fromVersion()).isEqualTo(1);
        assertThat(m.toVersion()).isEqualTo(2);
        assertThat(m.rollback()).isFalse();
        assertThat(m.actor()).isEqualTo("guarded-rollout:prompt-upgrade");
      });
      assertThat(registry.history()).containsExactlyElementsOf(labelMoves);
      assertThat(run.x.get("prompt-upgrade").orElseThrow().weights()).containsExactly(0.0, 1.0);
      assertThat(audit.get(audit.size() - 1).kind()).isEqualTo(ExperimentChange.Kind.WEIGHTS);
      for (int i = 0; i < 20; i++) {
        run.call("after-" + i);
        assertThat(isV2(run.model.lastRequest())).as("every call gets version 2 after promotion").isTrue();
      }
    }
  }

  @Test
  void aBadPromptVersionIsRolledBackAndTheLabelMovedBack() {
    try (PromptRun run = new PromptRun(promptModel(17))) {
      PromptRegistry registry = run.registry;
      assertThat(events).extracting(RolloutEvent::kind).last().isEqualTo(RolloutEvent.Kind.ROLLED_BACK);
      RolloutEvent back = events.get(events.size() - 1);
      assertThat(back.reason()).contains("guard ERROR_RATE").contains("label 'production' back to version 1");
      assertThat(registry.labels("support-reply")).containsEntry(PromptRegistry.PRODUCTION, 1);
      assertThat(labelMoves).extracting(PromptEvent.LabelMoved::toVersion).containsExactly(2, 1);
      PromptEvent.LabelMoved moveBack = labelMoves.get(1);
      assertThat(moveBack.rollback()).isTrue();
      assertThat(moveBack.fromVersion()).isEqualTo(2);
      assertThat(moveBack.actor()).isEqualTo("guarded-rollout:prompt-upgrade");
      assertThat(moveBack.at()).isEqualTo(back.at());
      ExperimentChange rampBack = audit.get(audit.size() - 1);
      assertThat(rampBack.kind()).isEqualTo(ExperimentChange.Kind.RAMP);
      assertThat(rampBack.reason()).contains("guard ERROR_RATE");
      int before = run.model.callCount();
      for (int i = 0; i < 50; i++) {
        run.call("after-" + i);
        assertThat(isV2(run.model.lastRequest())).as("no call gets version 2 after the rollback").isFalse();
      }
      assertThat(run.model.callCount()).isEqualTo(before + 50);
    }
  }

  @Test
  void theDocumentedPromptLabelRolloutMovesTheLabelAtItsFirstLook() {
    PromptRegistry prompts = prompts();
    // sample-start prompt-label-rollout
    Experiments experiments = Experiments.builder()
        .add(Experiment.builder("reply-v2").prompt("support-reply")       // every call of the prompt
            .variant(Variant.of("v1").withPromptVersion(1))                // the version the label names now
            .variant(Variant.of("v2").withPromptVersion(2))                // the canary
            .ramp(new Experiment.Ramp("v2", List.of(0.1, 0.25, 0.5)))
            .build())
        .build();
    GuardedRollout rollout = GuardedRollout.builder(experiments, "reply-v2")
        .guard(Guard.errorRate()).guard(Guard.score())
        .promptLabel(prompts, PromptRegistry.PRODUCTION)
        .clock(clock).scheduler(scheduler).build();
    // sample-end prompt-label-rollout
    assertThat(prompts.labels("support-reply")).containsEntry(PromptRegistry.PRODUCTION, 1);
    assertThat(rollout.evaluate()).as("no calls yet: nothing to decide").isNull();
    assertThat(prompts.labels("support-reply")).containsEntry(PromptRegistry.PRODUCTION, 2);
    assertThat(labelMoves).singleElement().satisfies(m -> assertThat(m.actor()).isEqualTo("guarded-rollout:reply-v2"));
  }

  @Test
  void aKilledPromptLabelRolloutMovesTheLabelBackOnceAndAKilledOneNeverMovesIt() {
    PromptRegistry registry = prompts();
    Experiments x = promptExperiment();
    RolloutStore store = RolloutStore.inMemory(clock);
    GuardedRollout.Builder b = GuardedRollout.builder(x, "prompt-upgrade").clock(clock).scheduler(scheduler)
        .store(store).guard(Guard.errorRate()).promptLabel(registry, PromptRegistry.PRODUCTION).listener(events::add);
    GuardedRollout acting = b.replica("replica-a").build();
    assertThat(acting.evaluate()).isNull();
    assertThat(registry.labels("support-reply")).containsEntry(PromptRegistry.PRODUCTION, 2);
    Experiments other = promptExperiment();
    GuardedRollout follower = GuardedRollout.builder(other, "prompt-upgrade").clock(clock).scheduler(scheduler)
        .store(store).guard(Guard.errorRate()).promptLabel(registry, PromptRegistry.PRODUCTION)
        .replica("replica-b").build();
    assertThat(follower.evaluate()).isNull();
    follower.kill("incident 5");
    RolloutEvent killed = acting.evaluate();
    assertThat(killed).isNotNull();
    assertThat(killed.kind()).isEqualTo(RolloutEvent.Kind.KILLED);
    assertThat(killed.reason()).contains("set on replica replica-b: incident 5").endsWith("label 'production' back to version 1");
    assertThat(registry.labels("support-reply")).containsEntry(PromptRegistry.PRODUCTION, 1);
    assertThat(follower.evaluate()).isNull();
    assertThat(follower.done()).isTrue();
    assertThat(labelMoves).extracting(PromptEvent.LabelMoved::toVersion).containsExactly(2, 1);
    assertThat(labelMoves.get(1).rollback()).isTrue();
    assertThat(labelMoves.get(1).actor()).isEqualTo("guarded-rollout:prompt-upgrade");
    assertThat(x.get("prompt-upgrade").orElseThrow().status()).isEqualTo(Experiment.Status.KILLED);

    // Killed before its first look: the label never moves.
    labelMoves.clear();
    PromptRegistry untouched = prompts();
    Experiments y = promptExperiment();
    GuardedRollout early = GuardedRollout.builder(y, "prompt-upgrade").clock(clock).scheduler(scheduler)
        .guard(Guard.errorRate()).promptLabel(untouched, PromptRegistry.PRODUCTION).build();
    y.kill("prompt-upgrade", "incident 6");
    assertThat(early.evaluate()).extracting(RolloutEvent::kind).isEqualTo(RolloutEvent.Kind.KILLED);
    assertThat(untouched.labels("support-reply")).containsEntry(PromptRegistry.PRODUCTION, 1);
    assertThat(labelMoves).isEmpty();
  }

  @Test
  void aPromptLabelRolloutChecksItsExperimentAtOnce() {
    PromptRegistry registry = prompts();
    Experiments featureOnly = experiments(); // targets a feature, not the prompt
    assertThatThrownBy(() -> GuardedRollout.builder(featureOnly, "model-upgrade").guard(Guard.errorRate())
        .promptLabel(registry, PromptRegistry.PRODUCTION).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must target a prompt and no feature");
    Experiments unpinned = Experiments.builder()
        .add(Experiment.builder("p").prompt("support-reply").variant(Variant.of("v1"))
            .variant(Variant.of("v2").withPromptVersion(2)).ramp(new Experiment.Ramp("v2", List.of(0.5))).build())
        .build();
    assertThatThrownBy(() -> GuardedRollout.builder(unpinned, "p").guard(Guard.errorRate())
        .promptLabel(registry, PromptRegistry.PRODUCTION).build())
        .hasMessageContaining("control variant 'v1' must pin the version the label points at now");
    Experiments elsewhere = Experiments.builder()
        .add(Experiment.builder("p").prompt("support-reply").variant(Variant.of("v1").withPromptVersion(2))
            .variant(Variant.of("v2").withPromptVersion(3)).ramp(new Experiment.Ramp("v2", List.of(0.5))).build())
        .build();
    assertThatThrownBy(() -> GuardedRollout.builder(elsewhere, "p").guard(Guard.errorRate())
        .promptLabel(registry, PromptRegistry.PRODUCTION).build())
        .hasMessageContaining("support-reply").hasMessageContaining("3");
  }

  @Test
  void guardsCheckTheirSettings() {
    assertThatThrownBy(() -> new Guard(Guard.Metric.DRIFT, 0.25, 0.001, Guard.Action.HOLD))
        .hasMessageContaining("signal must be set for a DRIFT guard");
    assertThatThrownBy(() -> new Guard(Guard.Metric.SCORE, 0.05, 0.2, Guard.Action.HOLD, Signal.SCORE))
        .hasMessageContaining("only for it");
    assertThatThrownBy(() -> Guard.drift(Signal.LATENCY_MS, 0, Guard.Action.HOLD)).hasMessageContaining("margin");
    assertThatThrownBy(() -> Guard.drift(Signal.PII_IN_INPUT, 0.25, Guard.Action.HOLD)).hasMessageContaining("piiScan");
    assertThatThrownBy(() -> new Guard(Guard.Metric.DRIFT, 0.25, 2, Guard.Action.HOLD, Signal.SCORE))
        .hasMessageContaining("test level");
    assertThat(Guard.drift(Signal.OUTCOME, 0.1, Guard.Action.HOLD).signal()).isEqualTo(Signal.OUTCOME);
  }
}
