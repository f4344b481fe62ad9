package dev.llmops.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.accounting.Outcome;
import dev.llmops.jdbc.JdbcLedger;
import dev.llmops.jdbc.JdbcMigrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ledger records written to PostgreSQL per second by {@link JdbcLedger#write}, one transaction per
 * batch of 256 (the ledger queue's default {@code maxBatch}), with and without the driver's {@code
 * reWriteBatchedInserts}. Scores are records per second. Needs the server of {@code
 * LLMOPS_JDBC_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres});
 * it works in a schema of its own, dropped at the end. What a record costs the call itself (the
 * enqueue) is {@link SinkBenchmark#accountingWithQueuedSink}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class JdbcLedgerBenchmark {
  private static final int BATCH = 256;

  /** Whether the driver sends a batch as one multi-row INSERT. */
  @Param({"true", "false"})
  public boolean reWriteBatchedInserts;

  private @Nullable HikariDataSource dataSource;
  private @Nullable JdbcLedger ledger;
  private String schema = "";
  private long next;

  /** Connects, migrates a fresh schema. */
  @Setup(Level.Trial)
  public void setUp() {
    String url = System.getenv().getOrDefault("LLMOPS_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    cfg.setUsername(System.getenv().getOrDefault("LLMOPS_JDBC_USER", "postgres"));
    cfg.setMaximumPoolSize(2);
    cfg.addDataSourceProperty("reWriteBatchedInserts", String.valueOf(reWriteBatchedInserts));
    HikariDataSource ds = new HikariDataSource(cfg);
    dataSource = ds;
    schema = "bench_ledger_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    JdbcMigrations.migrate(ds, schema);
    ledger = JdbcLedger.builder(ds).schema(schema).build();
  }

  /** Empties the table so every iteration inserts into the same size of index. */
  @Setup(Level.Iteration)
  public void truncate() throws SQLException {
    execute("TRUNCATE " + schema + ".llmops_ledger");
  }

  /** Drops the schema and closes the pool. */
  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    execute("DROP SCHEMA " + schema + " CASCADE");
    Objects.requireNonNull(dataSource, "dataSource").close();
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = Objects.requireNonNull(dataSource, "dataSource").getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** One batch of 256 new records, one transaction. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void writeBatch() {
    List<LedgerRecord> batch = new ArrayList<>(BATCH);
    Instant at = Instant.parse("2026-12-01T10:00:00Z");
    for (int i = 0; i < BATCH; i++) {
      long n = next++;
      Money cost = Money.ofNanos(1_250_000 + n % 1000);
      batch.add(new LedgerRecord("call-" + n, 1, at.plusMillis(n), Outcome.SUCCEEDED, "smart", "openai", "gpt-4o",
          "tenant-" + (n % 50), "user-" + (n % 1000), "support", null, "support-reply", 3, "exp", "b", false,
          new Usage(1200, 300, 200, 0, 0, false),
          new Cost(cost, cost, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, false, "2026-11", "gpt-4o"), null));
    }
    Objects.requireNonNull(ledger, "ledger").write(batch);
  }
}
