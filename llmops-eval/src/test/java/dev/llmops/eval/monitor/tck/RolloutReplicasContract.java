package dev.llmops.eval.monitor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.LlmException;
import dev.llmops.core.LlmClient;
import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.ExperimentChange;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.eval.monitor.Guard;
import dev.llmops.eval.monitor.GuardedRollout;
import dev.llmops.eval.monitor.RolloutEvent;
import dev.llmops.eval.monitor.RolloutStore;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The {@link RolloutStoreContract}, plus guarded rollouts run by several replicas over the store,
 * as tests a store's own test class inherits (this class ships in llmops-eval's test jar): each
 * replica is a client with its own experiments and controller, all on one test clock and manual
 * scheduler. Only one replica acts, the actor decides on the counts of all, the others follow its
 * decisions, replicas started anew over the saved state continue at its step, and a kill switch
 * turned on at any replica reaches every replica, also one started anew.
 */
public abstract class RolloutReplicasContract extends RolloutStoreContract {
  private static final Duration STEP = Duration.ofMinutes(10);

  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final AtomicInteger subjects = new AtomicInteger();
  private final String key = "model-upgrade-" + UUID.randomUUID().toString().substring(0, 8);

  /** For the store's test class. */
  protected RolloutReplicasContract() {}

  /** One replica: its experiments, client, controller, and what each recorded. */
  private final class Replica implements AutoCloseable {
    final Experiments experiments;
    final LlmClient client;
    final GuardedRollout rollout;
    final List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    final List<ExperimentChange> audit = new CopyOnWriteArrayList<>();
    /** Control calls this replica served before its controller's first action. */
    final AtomicLong ownControlCallsBeforeFirstAction = new AtomicLong();

    Replica(String name) {
      experiments = Experiments.builder().clock(clock).auditListener(audit::add)
          .add(Experiment.builder(key).feature("support")
              .variant(Variant.of("stable").withModel("stable"))
              .variant(Variant.of("next").withModel("next"))
              .ramp(new Experiment.Ramp("next", List.of(0.1, 0.25, 0.5)))
              .build())
          .build();
      rollout = GuardedRollout.builder(experiments, key).clock(clock).scheduler(scheduler)
          .store(replica()).replica(name)
          .guard(Guard.errorRate()).minSamples(200).minStepDuration(STEP).interval(Duration.ofMinutes(1))
          .listener(events::add).build();
      CallListener counter = new CallListener() {
        @Override
        public void callEnd(CallInfo call, ChatResponse response) {
          Assignment a = call.attributes().getOrNull(Assignment.KEY);
          if (a != null && a.variant().equals("stable") && events.isEmpty()) {
            ownControlCallsBeforeFirstAction.incrementAndGet();
          }
        }
      };
      client = LlmClient.builder().clock(clock).scheduler(scheduler)
          .model("stable", failingEvery(50, "s")).model("next", failingEvery(50, "n"))
          .experiments(experiments).listener(rollout).listener(counter).build();
    }

    void traffic(int n) {
      for (int i = 0; i < n; i++) {
        try {
          client.request(ChatRequest.builder().user("hi").build())
              .context(CallContext.ofSubject("user-" + subjects.incrementAndGet()).withFeature("support")).call();
        } catch (LlmException expected) {
          // failed calls are what the error guard counts
        }
      }
    }

    int step() {
      return experiments.get(key).orElseThrow().rampStep();
    }

    @Override
    public void close() {
      rollout.close();
      client.close();
    }
  }

  private static FakeChatModel failingEvery(int every, String id) {
    AtomicInteger n = new AtomicInteger();
    FakeChatModel fake = FakeChatModel.builder().modelId(id).build();
    return fake.when(r -> n.incrementAndGet() % every == 0).fail(Fault.serverError(503));
  }

  /** A minute of traffic, half on each replica; the controllers look as the minute ends. */
  private void minute(Replica a, Replica b) {
    a.traffic(150);
    b.traffic(150);
    clock.advance(Duration.ofMinutes(1));
  }

  private static List<RolloutEvent.Kind> kinds(List<RolloutEvent> events) {
    List<RolloutEvent.Kind> out = new ArrayList<>();
    events.forEach(e -> out.add(e.kind()));
    return out;
  }

  @Test
  void twoControllersOnOneStoreOneActsOnTheCountsOfBothAndTheOtherFollows() {
    try (Replica a = new Replica("replica-a"); Replica b = new Replica("replica-b")) {
      a.rollout.start();
      b.rollout.start();
      for (int m = 0; m < 120 && !(a.rollout.done() && b.rollout.done()); m++) {
        minute(a, b);
      }
      assertThat(kinds(a.events)).containsExactly(
          RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.PROMOTED);
      assertThat(b.events).as("the follower never acts").isEmpty();
      assertThat(b.rollout.done()).isTrue();
      assertThat(a.step()).isEqualTo(2);
      assertThat(b.step()).as("the follower applied the actor's steps").isEqualTo(2);
      assertThat(b.audit).hasSize(2).allSatisfy(c -> assertThat(c.reason()).contains("replica-b applies the shared state"));
      assertThat(a.audit).hasSize(2).allSatisfy(c -> assertThat(c.reason()).startsWith("guarded rollout: step"));
      RolloutEvent first = a.events.get(0);
      assertThat(first.controlCalls()).as("the actor counted the other replica's calls too")
          .isGreaterThan(a.ownControlCallsBeforeFirstAction.get())
          .isLessThanOrEqualTo(a.ownControlCallsBeforeFirstAction.get() + b.ownControlCallsBeforeFirstAction.get());
      assertThat(a.rollout.storeFailures() + b.rollout.storeFailures()).isZero();
    }
  }

  @Test
  void replicasStartedAnewContinueAtTheSavedStepAndItsStartTime() {
    Instant firstAdvance;
    try (Replica a = new Replica("replica-a"); Replica b = new Replica("replica-b")) {
      a.rollout.start();
      b.rollout.start();
      for (int m = 0; m < 60 && a.events.isEmpty() && b.events.isEmpty(); m++) {
        minute(a, b);
      }
      List<RolloutEvent> all = new ArrayList<>(a.events);
      all.addAll(b.events);
      assertThat(kinds(all)).containsExactly(RolloutEvent.Kind.ADVANCED);
      firstAdvance = all.get(0).at();
      for (int m = 0; m < 6; m++) {
        minute(a, b);
      }
    }
    Instant restart = clock.instant();
    try (Replica a = new Replica("replica-a2"); Replica b = new Replica("replica-b2")) {
      assertThat(a.step()).as("the configuration starts at step 0").isZero();
      a.rollout.start();
      b.rollout.start();
      assertThat(a.step()).as("continues at the saved step").isEqualTo(1);
      assertThat(b.step()).isEqualTo(1);
      for (int m = 0; m < 120 && !(a.rollout.done() && b.rollout.done()); m++) {
        minute(a, b);
      }
      List<RolloutEvent> all = new ArrayList<>(a.events);
      all.addAll(b.events);
      assertThat(kinds(all)).containsExactly(RolloutEvent.Kind.ADVANCED, RolloutEvent.Kind.PROMOTED);
      assertThat(all.get(0).step()).isEqualTo(2);
      // The step's start time came from the store: the step ended one minimum step after it began, not after the restart.
      assertThat(all.get(0).at()).isBefore(restart.plus(STEP)).isAfterOrEqualTo(firstAdvance.plus(STEP));
    }
  }

  /** The variants {@code replica} assigns to 200 new subjects. */
  private List<String> assigned(Replica replica) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Assignment x = replica.experiments.assign(key, "probe-" + subjects.incrementAndGet());
      out.add(x == null ? "not in the experiment" : x.variant());
    }
    return out;
  }

  private static final String KILL_REASON = "guarded rollout: kill switch set on replica replica-b: ";

  @Test
  void aKillOnAReplicaThatDoesNotActReachesEveryReplicaAndOneStartedAnew() {
    try (Replica a = new Replica("replica-a"); Replica b = new Replica("replica-b")) {
      a.rollout.start();
      b.rollout.start();
      minute(a, b); // a looks first on the scheduler, so it acts; b follows
      assertThat(assigned(a)).as("the canary serves at its first step").contains("next");
      b.experiments.kill(key, "incident 42");
      minute(a, b); // b records its kill in the store after a looked
      assertThat(a.rollout.done()).isFalse();
      minute(a, b); // a applies the kill and ends the rollout
      for (Replica r : List.of(a, b)) {
        assertThat(r.experiments.get(key).orElseThrow().status()).isEqualTo(Experiment.Status.KILLED);
        assertThat(r.rollout.done()).isTrue();
        assertThat(assigned(r)).as("no replica assigns the canary").containsOnly("stable");
      }
      assertThat(kinds(a.events)).containsExactly(RolloutEvent.Kind.KILLED);
      assertThat(a.events.get(0).reason()).contains("set on replica replica-b");
      assertThat(b.events).as("the replica that killed does not act").isEmpty();
      assertThat(a.audit).extracting(ExperimentChange::reason).containsExactly(
          KILL_REASON + "experiment '" + key + "' is killed on replica replica-b");
      assertThat(replica().killed(key)).hasValueSatisfying(k -> assertThat(k.replica()).isEqualTo("replica-b"));
      for (int m = 0; m < 30; m++) {
        minute(a, b);
      }
      assertThat(a.events).as("nothing after the kill").hasSize(1);
      assertThat(a.step()).isZero();
      assertThat(a.rollout.storeFailures() + b.rollout.storeFailures()).isZero();
    }
    try (Replica c = new Replica("replica-c")) {
      assertThat(c.experiments.get(key).orElseThrow().status()).as("the configuration runs the experiment")
          .isEqualTo(Experiment.Status.RUNNING);
      c.rollout.start();
      assertThat(c.experiments.get(key).orElseThrow().status()).isEqualTo(Experiment.Status.KILLED);
      assertThat(c.rollout.done()).isTrue();
      assertThat(assigned(c)).containsOnly("stable");
      assertThat(c.audit).singleElement().satisfies(change -> assertThat(change.reason()).startsWith(KILL_REASON));
    }
  }
}
