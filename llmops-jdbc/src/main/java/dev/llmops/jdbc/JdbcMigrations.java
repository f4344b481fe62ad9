package dev.llmops.jdbc;

import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates and upgrades the tables of this module with Flyway, from the SQL files shipped in the jar
 * at {@value #LOCATION}. Opt-in: call {@link #migrate} at start-up, or run the same files with your
 * own migration tool (their search path set to the schema). The schema is created when missing;
 * the history is kept in {@value #HISTORY_TABLE} inside it, apart from any history table of the
 * application's own migrations.
 *
 * <pre>{@code
 * JdbcMigrations.migrate(dataSource, "llmops");
 * }</pre>
 *
 * <p>Flyway needs {@code flyway-database-postgresql} beside {@code flyway-core} for PostgreSQL;
 * this module depends on both. Stateless and thread-safe; concurrent migrations of one schema are
 * serialised by Flyway's lock on its history table.
 */
public final class JdbcMigrations {
  /** Where the migrations are in the jar, as a Flyway location. */
  public static final String LOCATION = "classpath:llmops-jdbc/postgresql";

  /** The Flyway history table, created in the schema. */
  public static final String HISTORY_TABLE = "llmops_schema_history";

  private static final String FLYWAY_CLASS = "org.flywaydb.core.Flyway";

  private JdbcMigrations() {}

  /**
   * Makes this module read Flyway's, before any Flyway type is resolved: module-info.java does not
   * require Flyway (its jar names no module), so the jar is on the class path, or an automatic module
   * added with {@code --add-modules flyway.core}. No-op outside the module path.
   *
   * @throws IllegalStateException when Flyway is not loadable
   */
  private static void readFlyway() {
    try {
      Class<?> flyway = Class.forName(FLYWAY_CLASS, false, JdbcMigrations.class.getClassLoader());
      JdbcMigrations.class.getModule().addReads(flyway.getModule());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("JdbcMigrations needs Flyway (org.flywaydb:flyway-core and"
          + " flyway-database-postgresql) on the class path: " + FLYWAY_CLASS + " is not loadable", e);
    }
  }

  /**
   * Applies every pending migration to {@code schema}, creating the schema if needed.
   *
   * @return how many migrations ran (0 when the schema was current)
   * @throws IllegalArgumentException if the schema name is not a lower-case identifier
   * @throws JdbcStoreException if a migration fails, naming the schema and Flyway's reason
   * @throws IllegalStateException if Flyway is not on the class path
   */
  public static int migrate(DataSource dataSource, String schema) {
    Objects.requireNonNull(dataSource, "dataSource");
    Sql.schema(schema);
    readFlyway();
    try {
      MigrateResult result = Flyway.configure(JdbcMigrations.class.getClassLoader())
          .dataSource(dataSource)
          .schemas(schema)
          .defaultSchema(schema)
          .createSchemas(true)
          .table(HISTORY_TABLE)
          .locations(LOCATION)
          .failOnMissingLocations(true)
          .load()
          .migrate();
      return result.migrationsExecuted;
    } catch (FlywayException e) {
      throw new JdbcStoreException("migrating schema " + schema + " failed: " + e.getMessage(),
          schema + "." + HISTORY_TABLE, e);
    }
  }
}
