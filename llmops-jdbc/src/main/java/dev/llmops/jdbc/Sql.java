package dev.llmops.jdbc;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** What every store shares: schema names, text the database accepts, errors that name the table. */
final class Sql {
  /** A lower-case PostgreSQL identifier that needs no quoting: it is spliced into statements. */
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** The schema the stores use unless told otherwise. */
  static final String DEFAULT_SCHEMA = "llmops";

  private Sql() {}

  /**
   * Checks a schema name.
   *
   * @throws IllegalArgumentException if it is not a lower-case identifier of at most 63 characters
   */
  static String schema(String schema) {
    Objects.requireNonNull(schema, "schema");
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema must be a lower-case SQL identifier ([a-z_][a-z0-9_]{0,62}) but was '" + schema + "'");
    }
    return schema;
  }

  /**
   * An instant as PostgreSQL stores it: {@code timestamptz} keeps microseconds and would round the
   * rest (possibly into the next day); truncating makes the stored value predictable.
   */
  static OffsetDateTime timestamp(Instant at) {
    return OffsetDateTime.ofInstant(at.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  /**
   * Text PostgreSQL can store: it rejects the NUL character in {@code text}, and a record that can
   * never be written would hold its queue for ever; NUL becomes U+FFFD.
   */
  static @Nullable String text(@Nullable String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }

  /**
   * An exception naming {@code table} with the database's message; for a batch, the message of the
   * statement that failed (the driver puts it in the next exception), which names the column of a
   * constraint or type error.
   */
  static JdbcStoreException failure(String what, String table, SQLException e) {
    SQLException cause = e;
    if (e instanceof BatchUpdateException && e.getNextException() != null) {
      cause = e.getNextException();
    }
    String message = cause.getMessage();
    String state = cause.getSQLState();
    return new JdbcStoreException(
        what + " on table " + table + " failed" + (state == null ? "" : " (SQL state " + state + ")") + ": "
            + (message == null ? cause.getClass().getName() : message),
        table, cause);
  }
}
