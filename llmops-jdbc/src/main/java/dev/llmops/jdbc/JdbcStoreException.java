package dev.llmops.jdbc;

import dev.llmops.api.LlmException;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A store of this module could not read or write its table: the message names the table (and the
 * column, when the database named one) and carries the database's own message and SQL state.
 * Thrown by queries and administrative calls; a failing batch write throws it to its queue, which
 * retries the batch.
 */
public final class JdbcStoreException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final String table;
  private final String sqlState;

  JdbcStoreException(String message, String table, @Nullable Throwable cause) {
    super(message, ErrorDetails.LOCAL, cause);
    this.table = table;
    String state = cause instanceof SQLException e ? e.getSQLState() : null;
    this.sqlState = state == null ? "" : state;
  }

  /** The table the operation was on, schema-qualified. */
  public String table() {
    return table;
  }

  /** The SQL state the database reported, empty when none. */
  public String sqlState() {
    return sqlState;
  }

  /**
   * True when the database was unreachable or the transaction lost a race (SQL state classes
   * {@code 08} connection, {@code 40} rollback, {@code 57} operator intervention, {@code 53}
   * insufficient resources): trying again later may succeed. A constraint or data error is not.
   */
  @Override
  public boolean retryable() {
    return sqlState.isEmpty() || sqlState.startsWith("08") || sqlState.startsWith("40") || sqlState.startsWith("57")
        || sqlState.startsWith("53");
  }
}
