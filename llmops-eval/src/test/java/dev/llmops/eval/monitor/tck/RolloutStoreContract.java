package dev.llmops.eval.monitor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.eval.monitor.RolloutStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RolloutStore} keeps, as tests a store's own test class inherits (this
 * class ships in llmops-eval's test jar): one replica at a time holds the right to act, only it
 * saves the state, counters of several replicas add up exactly (also when they add at once),
 * windows, arms and rollouts are kept apart, and any replica may record a kill, which every replica
 * reads, the first one kept for ever.
 */
public abstract class RolloutStoreContract {
  /** A lease long enough that no test sees it run out. */
  protected static final Duration LEASE = Duration.ofMinutes(5);

  /** For the store's test class. */
  protected RolloutStoreContract() {}

  /**
   * A store over the shared backend, as one replica would open it; each call may return a new
   * instance (a new connection), all seeing the same data.
   */
  protected abstract RolloutStore replica();

  /** A rollout name no other test uses. */
  protected static String newRollout() {
    return "rollout-" + UUID.randomUUID();
  }

  @Test
  void oneReplicaAtATimeHoldsTheRightToAct() {
    RolloutStore a = replica();
    SingleHolder.oneReplicaAtATime(newRollout(), right(a), right(replica()));
    // Another rollout has its own right to act.
    assertThat(a.tryAct(newRollout(), "a", LEASE)).isTrue();
  }

  private static SingleHolder.Right right(RolloutStore store) {
    return new SingleHolder.Right() {
      @Override
      public boolean tryTake(String rollout, String replica) {
        return store.tryAct(rollout, replica, LEASE);
      }

      @Override
      public void release(String rollout, String replica) {
        store.release(rollout, replica);
      }
    };
  }

  @Test
  void onlyTheHolderSavesTheStateAndEveryReplicaReadsIt() {
    String r = newRollout();
    RolloutStore a = replica();
    RolloutStore b = replica();
    assertThat(a.state(r)).isEmpty();
    assertThat(a.saveState(r, "a", "{\"step\":0}")).as("not holding").isFalse();
    assertThat(a.state(r)).isEmpty();
    assertThat(a.tryAct(r, "a", LEASE)).isTrue();
    assertThat(a.saveState(r, "a", "{\"step\":1,\"text\":\"Où\"}")).isTrue();
    assertThat(b.saveState(r, "b", "{\"step\":9}")).as("fenced").isFalse();
    assertThat(b.state(r)).contains("{\"step\":1,\"text\":\"Où\"}");
    assertThat(a.saveState(r, "a", "{\"step\":2}")).isTrue();
    assertThat(replica().state(r)).contains("{\"step\":2}");
    a.release(r, "a");
    assertThat(a.saveState(r, "a", "{\"step\":3}")).as("released").isFalse();
    assertThat(b.state(r)).as("the state outlives the lease").contains("{\"step\":2}");
  }

  @Test
  void countersOfSeveralReplicasAddUp() {
    String r = newRollout();
    RolloutStore a = replica();
    RolloutStore b = replica();
    a.add(r, 0, "canary", Map.of("m.ERROR_RATE.n", 3.0, "m.LATENCY_MS.s", 1.5));
    b.add(r, 0, "canary", Map.of("m.ERROR_RATE.n", 4.0, "lat.-3", 1.0));
    b.add(r, 0, "control", Map.of("m.ERROR_RATE.n", 10.0));
    a.add(r, 1, "canary", Map.of("m.ERROR_RATE.n", 100.0));
    a.add(newRollout(), 0, "canary", Map.of("m.ERROR_RATE.n", 1000.0));
    assertThat(replica().counts(r, 0, "canary"))
        .containsOnly(Map.entry("m.ERROR_RATE.n", 7.0), Map.entry("m.LATENCY_MS.s", 1.5), Map.entry("lat.-3", 1.0));
    assertThat(a.counts(r, 0, "control")).containsOnly(Map.entry("m.ERROR_RATE.n", 10.0));
    assertThat(a.counts(r, 1, "canary")).containsOnly(Map.entry("m.ERROR_RATE.n", 100.0));
    assertThat(a.counts(r, 2, "canary")).isEmpty();
  }

  @Test
  void forgottenWindowsAreGoneAndLaterOnesStay() {
    String r = newRollout();
    RolloutStore a = replica();
    for (long w = 0; w < 3; w++) {
      a.add(r, w, "canary", Map.of("m.ERROR_RATE.n", 1.0 + w));
      a.add(r, w, "control", Map.of("m.ERROR_RATE.n", 1.0 + w));
    }
    a.forgetBefore(r, 2);
    assertThat(a.counts(r, 0, "canary")).isEmpty();
    assertThat(a.counts(r, 1, "control")).isEmpty();
    assertThat(a.counts(r, 2, "canary")).containsOnly(Map.entry("m.ERROR_RATE.n", 3.0));
  }

  @Test
  void aReplicaWithoutTheRightToActKillsAndEveryReplicaReadsTheKill() {
    String r = newRollout();
    RolloutStore a = replica();
    RolloutStore b = replica();
    assertThat(a.killed(r)).isEmpty();
    assertThat(a.tryAct(r, "a", LEASE)).isTrue();
    b.kill(r, "b", "incident 42: answers in the wrong language");
    RolloutStore.Kill k = replica().killed(r).orElseThrow();
    assertThat(k.replica()).isEqualTo("b");
    assertThat(k.reason()).isEqualTo("incident 42: answers in the wrong language");
    assertThat(a.killed(r)).as("the same kill, time included (the store's clock)").contains(k);
    assertThat(a.killed(newRollout())).as("another rollout is not killed").isEmpty();
    assertThat(a.saveState(r, "a", "{\"step\":1}")).as("the kill leaves the lease alone").isTrue();
    a.release(r, "a");
  }

  @Test
  void theFirstKillWinsAndAKillOutlivesForgottenWindowsAndReleasedLeases() {
    String r = newRollout();
    RolloutStore a = replica();
    RolloutStore b = replica();
    a.kill(r, "a", "first");
    RolloutStore.Kill first = b.killed(r).orElseThrow();
    a.kill(r, "a", "first");
    b.kill(r, "b", "second");
    assertThat(replica().killed(r)).as("idempotent; the first kill wins").contains(first);
    assertThat(first.replica()).isEqualTo("a");
    assertThat(first.reason()).isEqualTo("first");
    a.add(r, 0, "canary", Map.of("m.ERROR_RATE.n", 1.0));
    assertThat(a.tryAct(r, "a", LEASE)).isTrue();
    a.release(r, "a");
    a.forgetBefore(r, 1);
    assertThat(a.counts(r, 0, "canary")).isEmpty();
    assertThat(b.killed(r)).contains(first);
  }

  @Test
  void concurrentAddsFromTwoReplicasLoseNothing() throws Exception {
    String r = newRollout();
    int each = 200;
    CyclicBarrier together = new CyclicBarrier(2);
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      RolloutStore s = replica();
      writers.add(CompletableFuture.runAsync(() -> {
        try {
          together.await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        for (int i = 0; i < each; i++) {
          s.add(r, 0, "canary", Map.of("m.ERROR_RATE.n", 1.0, "m.ERROR_RATE.s", 0.5));
        }
      }, runnable -> new Thread(runnable, "replica-" + writers.size()).start()));
    }
    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(replica().counts(r, 0, "canary"))
        .containsOnly(Map.entry("m.ERROR_RATE.n", 2.0 * each), Map.entry("m.ERROR_RATE.s", 1.0 * each));
  }
}
