package dev.llmops.jdbc;

import dev.llmops.eval.monitor.DriftStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A {@code llmops-eval} {@link DriftStore} on PostgreSQL (table {@code llmops_drift_window},
 * migration {@code V8}), for drift monitors whose windows the replicas of a service pool (this
 * module's dependency on {@code llmops-eval} is optional: add it yourself).
 *
 * <ul>
 *   <li><b>Right to check</b>: a session-level advisory lock as {@link JdbcRolloutStore}'s right to
 *       act, on a 64-bit hash of the table and monitor: nothing to renew, freed at once when the
 *       holder's session ends; the {@code lease} duration is ignored. {@link #release} unlocks and
 *       returns the connection.
 *   <li><b>Offered windows</b>: one row per offer ({@code id BIGSERIAL}, monitor, the JSON, the
 *       server's time). {@link #drain} runs {@code DELETE ... RETURNING} on the lock's own
 *       connection, so only a replica whose session still holds the lock drains, and returns the
 *       rows in id order. An offer committed before the statement started is in this drain, one
 *       committed after it in the next, and rows another statement deleted are never returned
 *       twice. Across drains, offers of one replica keep their order; offers of several replicas
 *       committed out of id order may come in a later drain than a higher id (the merge does not
 *       depend on the order).
 * </ul>
 *
 * Each held lock keeps one connection out of the pool: size the pool for it. Failures surface as
 * {@link JdbcStoreException}, which the monitor counts and retries at its next check. Thread-safe;
 * {@link #close} releases every lock this store holds.
 */
public final class JdbcDriftStore implements DriftStore, AutoCloseable {
  private final DataSource dataSource;
  private final String table;
  private final AdvisoryLocks locks;

  private JdbcDriftStore(DataSource dataSource, String schema) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.table = Sql.schema(schema) + ".llmops_drift_window";
    this.locks = new AdvisoryLocks(dataSource, table);
  }

  /**
   * A store in {@code schema} (migrated with {@link JdbcMigrations}).
   *
   * @throws IllegalArgumentException if the schema name is not a lower-case identifier
   */
  public static JdbcDriftStore create(DataSource dataSource, String schema) {
    return new JdbcDriftStore(dataSource, schema);
  }

  /** The advisory lock key's text: the table (so schemas do not share locks) and the monitor. */
  private String lockName(String monitor) {
    return "llmops-drift:" + table + ":" + monitor;
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached
   */
  @Override
  public boolean tryCheck(String monitor, String replica, Duration lease) {
    return locks.tryLock(lockName(Objects.requireNonNull(monitor, "monitor")), replica,
        "taking the right to check drift monitor '" + monitor + "'");
  }

  @Override
  public void release(String monitor, String replica) {
    locks.unlock(lockName(monitor), replica);
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached (nothing was offered)
   */
  @Override
  public void offer(String monitor, String windowsJson) {
    Objects.requireNonNull(monitor, "monitor");
    Objects.requireNonNull(windowsJson, "windowsJson");
    Jdbc.update(dataSource, table, "offering drift windows of monitor '" + monitor + "'",
        "INSERT INTO " + table + " (monitor, windows) VALUES (?, ?)", ps -> {
          ps.setString(1, monitor);
          ps.setString(2, Sql.text(windowsJson));
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the lock's connection broke (the lock is then gone too)
   */
  @Override
  public List<String> drain(String monitor, String replica) {
    List<String> drained = locks.whileHolding(lockName(monitor), replica,
        "draining drift windows of monitor '" + monitor + "'", c -> {
          try (PreparedStatement ps = c.prepareStatement("WITH drained AS (DELETE FROM " + table
              + " WHERE monitor = ? RETURNING id, windows) SELECT windows FROM drained ORDER BY id")) {
            ps.setString(1, monitor);
            try (ResultSet rs = ps.executeQuery()) {
              List<String> out = new ArrayList<>();
              while (rs.next()) {
                out.add(rs.getString(1));
              }
              return out;
            }
          }
        });
    return drained == null ? List.of() : drained;
  }

  /** Releases every lock this store holds and returns their connections. */
  @Override
  public void close() {
    locks.close();
  }
}
