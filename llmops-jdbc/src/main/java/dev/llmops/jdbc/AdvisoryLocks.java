package dev.llmops.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The rollout and drift stores' right to act or check: a session-level advisory lock, {@code
 * pg_try_advisory_lock} on a 64-bit hash of the lock's name, taken on a connection kept open while
 * it is held. Nothing to renew: the lock lasts as long as its session, and when the replica dies
 * its connection closes and the server frees the lock at once. Each held lock keeps one connection
 * out of the pool. Thread-safe.
 */
final class AdvisoryLocks implements AutoCloseable {
  private final DataSource dataSource;
  private final String table;
  /** The connections holding advisory locks, by lock name and replica. Guarded by this. */
  private final Map<List<String>, Connection> held = new HashMap<>();

  /** Locks whose failures name {@code table}. */
  AdvisoryLocks(DataSource dataSource, String table) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.table = table;
  }

  /**
   * Takes or keeps lock {@code name} for {@code replica}: true if this replica's session holds it
   * now, false if another session does.
   *
   * @param what what is being done, for the error
   * @throws JdbcStoreException if the database could not be reached
   */
  synchronized boolean tryLock(String name, String replica, String what) {
    List<String> holder = List.of(name, Objects.requireNonNull(replica, "replica"));
    Connection c = held.get(holder);
    if (c != null) {
      if (alive(c)) {
        return true; // the session, and with it the lock, lives on
      }
      held.remove(holder);
      closeQuietly(c);
    }
    try {
      c = dataSource.getConnection();
    } catch (SQLException e) {
      throw Sql.failure(what, table, e);
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getBoolean(1)) {
          held.put(holder, c);
          return true;
        }
      }
    } catch (SQLException e) {
      closeQuietly(c);
      throw Sql.failure(what, table, e);
    }
    closeQuietly(c);
    return false;
  }

  /** Unlocks {@code name} if {@code replica} holds it here, and returns its connection; nothing otherwise. */
  synchronized void unlock(String name, String replica) {
    Connection c = held.remove(List.of(name, replica));
    if (c == null) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
      ps.setString(1, name);
      ps.execute();
    } catch (SQLException e) {
      // closing the session below frees the lock as well
    } finally {
      closeQuietly(c);
    }
  }

  /**
   * Runs {@code work} on the connection holding lock {@code name} for {@code replica} (a fence:
   * only a session that still holds the lock writes); when that connection broke, the lock is gone
   * with it and is forgotten here.
   *
   * @return what {@code work} returned, or null if {@code replica} does not hold the lock here
   * @throws JdbcStoreException if {@code work} failed
   */
  synchronized <R> @Nullable R whileHolding(String name, String replica, String what, Jdbc.Work<R> work) {
    List<String> holder = List.of(name, replica);
    Connection c = held.get(holder);
    if (c == null) {
      return null;
    }
    try {
      return work.run(c);
    } catch (SQLException e) {
      if (!alive(c)) {
        held.remove(holder);
        closeQuietly(c);
      }
      throw Sql.failure(what, table, e);
    }
  }

  private static boolean alive(Connection c) {
    try {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // the connection is broken already; its session's locks are gone with it
    }
  }

  /** Releases every lock held here and returns their connections. */
  @Override
  public synchronized void close() {
    for (List<String> holder : List.copyOf(held.keySet())) {
      unlock(holder.get(0), holder.get(1));
    }
  }
}
