package dev.llmops.eval.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the replicas of a service running the same {@link GuardedRollout} meet: the right to act
 * (one replica at a time), the rollout's state (current step, when it started, what was decided),
 * and the counts each replica records, merged by addition. With {@link #inMemory} (the default)
 * the replicas are the controllers of one JVM; {@code llmops-redis}'s {@code RedisRolloutStore}
 * and {@code llmops-jdbc}'s {@code JdbcRolloutStore} share them between processes, and keep the
 * state across restarts.
 *
 * <p>Counts live in windows: a window is one step of one rollout, numbered by the controller, and
 * per arm ({@code canary}, {@code control}) a map of named counters to which {@link #add} adds.
 * Names and values are the controller's; a store neither reads nor checks them.
 *
 * <p>The kill switch of a rollout is kept apart from its state: any replica may {@link #kill} a
 * rollout (no lease needed), the first kill is kept, and a kill is never undone or forgotten.
 *
 * <p>Implementations are thread-safe. Failures of the backing server surface as unchecked
 * exceptions, which the controller catches, counts and retries at its next look. See {@code
 * docs/shared-state.md}.
 */
public interface RolloutStore {

  /**
   * A store in this JVM's memory, whose leases expire on {@code clock}: for one process, and for
   * tests of several controllers standing for replicas.
   */
  static RolloutStore inMemory(Clock clock) {
    return new InMemoryRolloutStore(clock);
  }

  /**
   * Takes or keeps the right to act for {@code rollout}: true if {@code replica} holds it now
   * (newly taken, or renewed because it already held it), false if another replica does. A
   * holder that stops renewing loses it after {@code lease} (stores whose lock ends with the
   * holder's session, such as a PostgreSQL advisory lock, may ignore the duration).
   */
  boolean tryAct(String rollout, String replica, Duration lease);

  /** Gives up the right to act if {@code replica} holds it; nothing otherwise. */
  void release(String rollout, String replica);

  /** The state last saved for {@code rollout}, if any. */
  Optional<String> state(String rollout);

  /**
   * Saves the state of {@code rollout} if {@code replica} holds the right to act (a fence: a
   * replica that lost the lease while paused cannot overwrite its successor's decisions).
   *
   * @return true if saved, false if {@code replica} does not hold the right to act
   */
  boolean saveState(String rollout, String replica, String state);

  /** Adds {@code increments} to the counters of {@code arm} in window {@code window}, atomically per counter. */
  void add(String rollout, long window, String arm, Map<String, Double> increments);

  /** The counters of {@code arm} in window {@code window}, summed over every replica; empty if none. */
  Map<String, Double> counts(String rollout, long window, String arm);

  /** Drops the counters of windows before {@code window} (steps the rollout left); kills stay. */
  void forgetBefore(String rollout, long window);

  /**
   * Records that {@code rollout} was killed, whether or not {@code replica} holds the right to act
   * (a kill switch is not fenced: an operator may turn it on at any replica). The first kill wins:
   * once one is recorded, later calls change nothing, so its replica, reason and time stay those of
   * the first. A kill is permanent for the rollout's name, like an outcome: no method clears it,
   * and {@link #forgetBefore} keeps it. Idempotent.
   *
   * @param reason why, as the operator gave it or as the replica saw it (for example the reason of
   *     a local {@code Experiments.kill})
   */
  void kill(String rollout, String replica, String reason);

  /** The kill recorded for {@code rollout}, if any: the first one, as every replica reads it. */
  Optional<Kill> killed(String rollout);

  /**
   * A kill recorded for a rollout.
   *
   * @param replica the replica that recorded it
   * @param reason why it was killed
   * @param at when it was recorded, on the store's clock (the server's for a shared store)
   */
  record Kill(String replica, String reason, Instant at) {
    /** Checks that no field is null. */
    public Kill {
      Objects.requireNonNull(replica, "replica");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(at, "at");
    }
  }
}
