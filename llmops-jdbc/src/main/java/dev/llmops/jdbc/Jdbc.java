package dev.llmops.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs one query on a borrowed connection, turning a failure into a {@link JdbcStoreException}. */
final class Jdbc {
  private Jdbc() {}

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

  /** Binds a statement's parameters. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Reads a result. */
  @FunctionalInterface
  interface Reader<R> {
    R read(ResultSet rs) throws SQLException;
  }
}
