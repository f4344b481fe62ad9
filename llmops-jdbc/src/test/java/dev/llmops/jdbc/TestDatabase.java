package dev.llmops.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * The real PostgreSQL the tests run against, in a schema of their own that is dropped afterwards.
 * The server is {@code LLMOPS_JDBC_URL} (default {@value #DEFAULT_URL}), user {@code
 * LLMOPS_JDBC_USER} (default {@code postgres}, no password: trust authentication). When no server
 * answers, the tests are skipped with a message saying how to start one, unless the system property
 * {@code llmops.requireServices} is true (as under {@code -Pci}): then they fail.
 *
 * <p>Register with {@code @RegisterExtension static final TestDatabase db = TestDatabase.migrated();}
 * (JUnit), or call {@link #open} and {@link #close} from jqwik's container hooks.
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
  static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private final boolean migrate;
  private HikariDataSource dataSource;
  private String schema;

  private TestDatabase(boolean migrate) {
    this.migrate = migrate;
  }

  /** A schema with this module's migrations applied. */
  static TestDatabase migrated() {
    return new TestDatabase(true);
  }

  /** An empty schema (the test migrates it). */
  static TestDatabase empty() {
    return new TestDatabase(false);
  }

  static String url() {
    String url = System.getenv("LLMOPS_JDBC_URL");
    return url == null || url.isBlank() ? DEFAULT_URL : url;
  }

  static String user() {
    String user = System.getenv("LLMOPS_JDBC_USER");
    return user == null || user.isBlank() ? "postgres" : user;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    open(context.getRequiredTestClass().getSimpleName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Connects, creates a schema named after {@code owner}, and migrates it if asked. */
  void open(String owner) {
    requireServer();
    String base = owner.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    schema = "t_" + base.substring(0, Math.min(base.length(), 40)) + "_"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url());
    cfg.setUsername(user());
    cfg.setMaximumPoolSize(6);
    cfg.setPoolName("llmops-jdbc-test-" + schema);
    cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
    dataSource = new HikariDataSource(cfg);
    if (migrate) {
      JdbcMigrations.migrate(dataSource, schema);
    } else {
      execute("CREATE SCHEMA " + schema);
    }
  }

  /** Drops the schema and closes the pool. */
  void close() {
    if (dataSource != null) {
      try {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } finally {
        dataSource.close();
        dataSource = null;
      }
    }
  }

  DataSource dataSource() {
    return dataSource;
  }

  String schema() {
    return schema;
  }

  /** Runs statements as the test user, for set-up and inspection. */
  void execute(String... sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String one : sql) {
        s.execute(one);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("test SQL failed: " + String.join("; ", sql), e);
    }
  }

  /** The single number a query returns. */
  long number(String sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("test SQL failed: " + sql, e);
    }
  }

  private static void requireServer() {
    Properties props = new Properties();
    props.setProperty("user", user());
    props.setProperty("connectTimeout", "3");
    props.setProperty("loginTimeout", "3");
    try (Connection c = DriverManager.getConnection(url(), props)) {
      c.isValid(3);
    } catch (SQLException e) {
      String message = "no PostgreSQL answers at " + url() + " as user " + user() + " (" + e.getMessage() + "). Start one"
          + " (on Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or point"
          + " LLMOPS_JDBC_URL / LLMOPS_JDBC_USER at a server with trust authentication";
      if (Boolean.getBoolean("llmops.requireServices")) {
        throw new AssertionError(message + "; llmops.requireServices is true, so this fails instead of skipping", e);
      }
      throw new TestAbortedException(message);
    }
  }
}
