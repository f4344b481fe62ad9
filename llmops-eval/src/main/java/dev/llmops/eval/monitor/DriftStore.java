package dev.llmops.eval.monitor;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Where the replicas of a service running the same {@link DriftMonitor} pool their windows: every
 * replica offers the windows it took ({@link DriftWindows#toJson()}), and the one replica holding
 * the right to check drains them all and compares. With {@link #inMemory} the replicas are the
 * monitors of one JVM; {@code llmops-redis}'s {@code RedisDriftStore} and {@code llmops-jdbc}'s
 * {@code JdbcDriftStore} share them between processes. A store neither reads nor checks what is
 * offered: it keeps the text.
 *
 * <p>Implementations are thread-safe. Failures of the backing server surface as unchecked
 * exceptions, which the monitor catches, counts and retries at its next check (see {@link
 * DriftMonitor.Builder#share}). See {@code docs/shared-state.md}.
 */
public interface DriftStore {

  /**
   * A store in this JVM's memory, whose leases expire on {@code clock}: for one process, and for
   * tests of several monitors standing for replicas.
   */
  static DriftStore inMemory(Clock clock) {
    return new InMemoryDriftStore(clock);
  }

  /**
   * Takes or keeps the right to check {@code monitor}: true if {@code replica} holds it now (newly
   * taken, or renewed because it already held it), false if another replica does. A holder that
   * stops renewing loses it after {@code lease} (stores whose lock ends with the holder's session,
   * such as a PostgreSQL advisory lock, may ignore the duration). The same semantics as {@link
   * RolloutStore#tryAct}.
   */
  boolean tryCheck(String monitor, String replica, Duration lease);

  /** Gives up the right to check if {@code replica} holds it; nothing otherwise. */
  void release(String monitor, String replica);

  /**
   * Appends one replica's taken windows for {@code monitor}; any replica may offer (no right to
   * check needed). An offer that returns normally is kept until a {@link #drain}.
   */
  void offer(String monitor, String windowsJson);

  /**
   * Takes out, atomically, everything offered for {@code monitor} so far, in offer order, if
   * {@code replica} holds the right to check (a fence: a replica that lost its lease while paused
   * cannot take the windows its successor compares); an empty list otherwise. An offer racing with
   * a drain lands in this drain or a later one: never lost, never drained twice.
   */
  List<String> drain(String monitor, String replica);
}
