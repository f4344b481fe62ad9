package dev.llmops.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * How the stores talk to the database: one borrowed connection per operation, a transaction where
 * more than one statement runs, every failure turned into a {@link JdbcStoreException} naming the
 * table.
 */
final class Jdbc {
  private Jdbc() {}

  /** Runs one query and reads its result. */
  static <R> R query(DataSource dataSource, String table, String what, String sql, Binder binder, Reader<R> reader) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        return reader.read(rs);
      }
    } catch (SQLException e) {
      throw Sql.failure(what, table, e);
    }
  }

  /** Runs one statement that changes rows; returns how many it changed. */
  static int update(DataSource dataSource, String table, String what, String sql, Binder binder) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw Sql.failure(what, table, e);
    }
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  static <R> R transaction(DataSource dataSource, String table, String what, Work<R> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        R result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw Sql.failure(what, table, e);
    }
  }

  /** Inserts {@code rows} with {@code sql} as one JDBC batch in one transaction. */
  static <T> void insertBatch(DataSource dataSource, String table, String what, String sql, List<T> rows, RowBinder<T> binder) {
    transaction(dataSource, table, what, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (T row : rows) {
          binder.bind(ps, row);
          ps.addBatch();
        }
        return ps.executeBatch().length;
      }
    });
  }

  /** Binds a statement's parameters. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Binds one row of a batch. */
  @FunctionalInterface
  interface RowBinder<T> {
    void bind(PreparedStatement ps, T row) throws SQLException;
  }

  /** Reads a result. */
  @FunctionalInterface
  interface Reader<R> {
    R read(ResultSet rs) throws SQLException;
  }

  /** The statements of one transaction. */
  @FunctionalInterface
  interface Work<R> {
    R run(Connection c) throws SQLException;
  }
}
