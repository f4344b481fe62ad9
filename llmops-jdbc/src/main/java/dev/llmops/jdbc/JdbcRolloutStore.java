package dev.llmops.jdbc;

import dev.llmops.eval.monitor.RolloutStore;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * A {@code llmops-eval} {@link RolloutStore} on PostgreSQL (tables {@code llmops_rollout_state}
 * and {@code llmops_rollout_count}, migration {@code V6}, and {@code llmops_rollout_kill}, {@code
 * V7}), for guarded rollouts shared by the
 * replicas of a service (this module's dependency on {@code llmops-eval} is optional: add it
 * yourself).
 *
 * <ul>
 *   <li><b>Right to act</b>: a session-level advisory lock, {@code pg_try_advisory_lock} on a
 *       64-bit hash of the table and rollout, taken on a connection this store keeps open while
 *       it holds the lock. The lock lasts as long as that session: nothing to renew, and when the
 *       replica dies its connection closes and the server frees the lock at once; the {@code
 *       lease} duration is ignored. {@link #release} unlocks and returns the connection.
 *   <li><b>State</b>: one row per rollout, written on the lock's own connection, so only a
 *       replica whose session still holds the lock can write it.
 *   <li><b>Counts</b>: one row per rollout, window, arm and counter; {@link #add} upserts {@code
 *       value = value + excluded.value} for every counter of a look in one transaction, in name
 *       order (so two replicas adding at once cannot deadlock).
 *   <li><b>Kill</b>: one row per killed rollout, inserted by any replica with {@code ON CONFLICT
 *       DO NOTHING} (the first kill wins), its time the server's {@code now()}; never deleted.
 * </ul>
 *
 * Each held lock keeps one connection out of the pool: size the pool for it. Failures surface as
 * {@link JdbcStoreException}, which the controller counts and retries at its next look.
 * Thread-safe; {@link #close} releases every lock this store holds.
 */
public final class JdbcRolloutStore implements RolloutStore, AutoCloseable {
  private final DataSource dataSource;
  private final String stateTable;
  private final String countTable;
  private final String killTable;
  private final AdvisoryLocks locks;

  private JdbcRolloutStore(DataSource dataSource, String schema) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    String s = Sql.schema(schema);
    this.stateTable = s + ".llmops_rollout_state";
    this.countTable = s + ".llmops_rollout_count";
    this.killTable = s + ".llmops_rollout_kill";
    this.locks = new AdvisoryLocks(dataSource, stateTable);
  }

  /**
   * A store in {@code schema} (migrated with {@link JdbcMigrations}).
   *
   * @throws IllegalArgumentException if the schema name is not a lower-case identifier
   */
  public static JdbcRolloutStore create(DataSource dataSource, String schema) {
    return new JdbcRolloutStore(dataSource, schema);
  }

  /** The advisory lock key's text: the table (so schemas do not share locks) and the rollout. */
  private String lockName(String rollout) {
    return "llmops-rollout:" + stateTable + ":" + rollout;
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached
   */
  @Override
  public boolean tryAct(String rollout, String replica, Duration lease) {
    return locks.tryLock(lockName(Objects.requireNonNull(rollout, "rollout")), replica,
        "taking the right to act for rollout '" + rollout + "'");
  }

  @Override
  public void release(String rollout, String replica) {
    locks.unlock(lockName(rollout), replica);
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached
   */
  @Override
  public Optional<String> state(String rollout) {
    return Jdbc.query(dataSource, stateTable, "reading the state of rollout '" + rollout + "'",
        "SELECT state FROM " + stateTable + " WHERE rollout = ?", ps -> ps.setString(1, rollout),
        rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty());
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the lock's connection broke (the lock is then gone too)
   */
  @Override
  public boolean saveState(String rollout, String replica, String state) {
    Objects.requireNonNull(state, "state");
    Boolean saved = locks.whileHolding(lockName(rollout), replica, "saving the state of rollout '" + rollout + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + stateTable + " (rollout, state, saved_by) VALUES (?, ?, ?)"
          + " ON CONFLICT (rollout) DO UPDATE SET state = EXCLUDED.state, saved_by = EXCLUDED.saved_by, saved_at = now()")) {
        ps.setString(1, rollout);
        ps.setString(2, Sql.text(state));
        ps.setString(3, replica);
        ps.executeUpdate();
        return true;
      }
    });
    return saved != null;
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached (nothing was added)
   */
  @Override
  public void add(String rollout, long window, String arm, Map<String, Double> increments) {
    if (increments.isEmpty()) {
      return;
    }
    List<Map.Entry<String, Double>> rows = new ArrayList<>(new TreeMap<>(increments).entrySet());
    Jdbc.insertBatch(dataSource, countTable, "adding to the counts of rollout '" + rollout + "'",
        "INSERT INTO " + countTable + " AS c (rollout, window_no, arm, name, value) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (rollout, window_no, arm, name) DO UPDATE SET value = c.value + EXCLUDED.value",
        rows, (ps, row) -> {
          ps.setString(1, rollout);
          ps.setLong(2, window);
          ps.setString(3, arm);
          ps.setString(4, row.getKey());
          ps.setDouble(5, row.getValue());
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached
   */
  @Override
  public Map<String, Double> counts(String rollout, long window, String arm) {
    return Jdbc.query(dataSource, countTable, "reading the counts of rollout '" + rollout + "'",
        "SELECT name, value FROM " + countTable + " WHERE rollout = ? AND window_no = ? AND arm = ?", ps -> {
          ps.setString(1, rollout);
          ps.setLong(2, window);
          ps.setString(3, arm);
        }, rs -> {
          Map<String, Double> out = new HashMap<>();
          while (rs.next()) {
            out.put(rs.getString(1), rs.getDouble(2));
          }
          return out;
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached
   */
  @Override
  public void forgetBefore(String rollout, long window) {
    Jdbc.update(dataSource, countTable, "forgetting old counts of rollout '" + rollout + "'",
        "DELETE FROM " + countTable + " WHERE rollout = ? AND window_no < ?", ps -> {
          ps.setString(1, rollout);
          ps.setLong(2, window);
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached
   */
  @Override
  public void kill(String rollout, String replica, String reason) {
    Objects.requireNonNull(rollout, "rollout");
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(reason, "reason");
    Jdbc.update(dataSource, killTable, "recording the kill of rollout '" + rollout + "'",
        "INSERT INTO " + killTable + " (rollout, killed_by, reason) VALUES (?, ?, ?) ON CONFLICT (rollout) DO NOTHING",
        ps -> {
          ps.setString(1, rollout);
          ps.setString(2, Sql.text(replica));
          ps.setString(3, Sql.text(reason));
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached
   */
  @Override
  public Optional<Kill> killed(String rollout) {
    return Jdbc.query(dataSource, killTable, "reading the kill of rollout '" + rollout + "'",
        "SELECT killed_by, reason, killed_at FROM " + killTable + " WHERE rollout = ?", ps -> ps.setString(1, rollout),
        rs -> rs.next()
            ? Optional.of(new Kill(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant()))
            : Optional.<Kill>empty());
  }

  /** Releases every lock this store holds and returns their connections. */
  @Override
  public void close() {
    locks.close();
  }
}
