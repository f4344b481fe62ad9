package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.eval.monitor.tck.RolloutReplicasContract;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The in-memory store keeps the store contract, runs replicated rollouts, and expires leases on its clock. */
class InMemoryRolloutStoreTest extends RolloutReplicasContract {
  private final RolloutStore store = RolloutStore.inMemory(TestClock.create());

  @Override
  protected RolloutStore replica() {
    return store;
  }

  @Test
  void aLeaseNotRenewedRunsOutOnTheClockAndAnotherReplicaTakesOver() {
    TestClock clock = TestClock.create();
    RolloutStore store = RolloutStore.inMemory(clock);
    assertThat(store.tryAct("r", "a", Duration.ofMinutes(3))).isTrue();
    clock.advance(Duration.ofMinutes(2));
    assertThat(store.tryAct("r", "b", Duration.ofMinutes(3))).isFalse();
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.tryAct("r", "b", Duration.ofMinutes(3))).as("a stopped renewing").isTrue();
    assertThat(store.saveState("r", "a", "{}")).as("a is fenced off").isFalse();
    assertThat(store.saveState("r", "b", "{}")).isTrue();
  }

  @Test
  void aKillIsTimedOnTheStoresClock() {
    TestClock clock = TestClock.create();
    RolloutStore store = RolloutStore.inMemory(clock);
    clock.advance(Duration.ofMinutes(7));
    store.kill("r", "b", "incident");
    clock.advance(Duration.ofMinutes(1));
    store.kill("r", "a", "later");
    assertThat(store.killed("r")).contains(new RolloutStore.Kill("b", "incident", clock.instant().minus(Duration.ofMinutes(1))));
  }
}
