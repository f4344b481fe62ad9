package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.eval.monitor.tck.DriftStoreContract;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The in-memory store keeps the drift store contract and expires leases on its clock. */
class InMemoryDriftStoreTest extends DriftStoreContract {
  private final DriftStore store = DriftStore.inMemory(TestClock.create());

  @Override
  protected DriftStore replica() {
    return store;
  }

  @Test
  void aLeaseNotRenewedRunsOutOnTheClockAndAnotherReplicaTakesOver() {
    TestClock clock = TestClock.create();
    DriftStore store = DriftStore.inMemory(clock);
    assertThat(store.tryCheck("m", "a", Duration.ofMinutes(3))).isTrue();
    clock.advance(Duration.ofMinutes(2));
    assertThat(store.tryCheck("m", "b", Duration.ofMinutes(3))).isFalse();
    assertThat(store.tryCheck("m", "a", Duration.ofMinutes(3))).as("renewed until minute 5").isTrue();
    clock.advance(Duration.ofMinutes(2));
    assertThat(store.tryCheck("m", "b", Duration.ofMinutes(3))).isFalse();
    clock.advance(Duration.ofMinutes(1));
    store.offer("m", "{}");
    assertThat(store.drain("m", "a")).as("a's lease ran out: fenced").isEmpty();
    assertThat(store.tryCheck("m", "b", Duration.ofMinutes(3))).as("a stopped renewing").isTrue();
    assertThat(store.drain("m", "b")).containsExactly("{}");
  }
}
