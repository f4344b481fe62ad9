package dev.llmops.eval.monitor.tck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of a right only one replica holds at a time (a rollout's right to act, a drift
 * monitor's right to check), checked through two replicas' stores.
 */
final class SingleHolder {
  private SingleHolder() {}

  /** One replica's view of the right: take or renew it, give it up. */
  interface Right {
    boolean tryTake(String name, String replica);

    void release(String name, String replica);
  }

  /**
   * Replica "a" takes the right to {@code name} and renews it while "b" is refused, "b"'s release
   * of a right it does not hold changes nothing, and once "a" releases it "b" takes it.
   */
  static void oneReplicaAtATime(String name, Right a, Right b) {
    assertThat(a.tryTake(name, "a")).isTrue();
    assertThat(b.tryTake(name, "b")).isFalse();
    assertThat(a.tryTake(name, "a")).as("renewed").isTrue();
    assertThat(b.tryTake(name, "b")).isFalse();
    b.release(name, "b"); // not the holder: nothing happens
    assertThat(b.tryTake(name, "b")).isFalse();
    a.release(name, "a");
    assertThat(b.tryTake(name, "b")).isTrue();
    assertThat(a.tryTake(name, "a")).isFalse();
    b.release(name, "b");
  }
}
