package dev.llmops.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmops.core.accounting.Dimension;
import dev.llmops.jdbc.JdbcLedger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * The support demo with its ledger on the real PostgreSQL (issue 17): the cost report read back
 * from the database equals the one the run computed. Skips when no server answers, unless {@code
 * llmops.requireServices} is true.
 */
class SupportDemoPostgresTest {

  @Test
  void theCostReportFromTheDatabaseEqualsTheRunsOwn() throws Exception {
    String url = System.getenv().getOrDefault("LLMOPS_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    String user = System.getenv().getOrDefault("LLMOPS_JDBC_USER", "postgres");
    requireServer(url, user);
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    cfg.setUsername(user);
    cfg.setMaximumPoolSize(2);
    cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
    String schema = "t_supportdemo_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    try (HikariDataSource dataSource = new HikariDataSource(cfg)) {
      try {
        JdbcLedger database = SupportDemo.emptyLedger(dataSource, schema);
        SupportReport report = SupportDemo.run(60, 7, false, database);

        assertThat(report.ledgerRecords()).isPositive();
        assertThat(database.count()).isEqualTo(report.ledgerRecords());
        assertThat(database.summarize(Dimension.TENANT)).isEqualTo(report.byTenant());
        assertThat(database.summarize(Dimension.MODEL)).isEqualTo(report.byModel());
        assertThat(SupportReport.renderCosts("from the database", database.summarize(Dimension.TENANT),
            database.summarize(Dimension.MODEL), database.total())).contains("tenant").contains("total: ");
      } finally {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
      }
    }
  }

  private static void requireServer(String url, String user) {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("connectTimeout", "3");
    try (Connection c = DriverManager.getConnection(url, props)) {
      c.isValid(3);
    } catch (SQLException e) {
      String message = "no PostgreSQL answers at " + url + " (" + e.getMessage() + "); start one (on Debian: pg_ctlcluster"
          + " --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set LLMOPS_JDBC_URL";
      if (Boolean.getBoolean("llmops.requireServices")) {
        throw new AssertionError(message, e);
      }
      throw new TestAbortedException(message);
    }
  }
}
