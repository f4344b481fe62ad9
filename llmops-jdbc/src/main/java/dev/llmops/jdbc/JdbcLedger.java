package dev.llmops.jdbc;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.accounting.Dimension;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.accounting.LedgerSink;
import dev.llmops.core.accounting.Outcome;
import dev.llmops.core.accounting.Summary;
import dev.llmops.core.sink.BatchSink;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The ledger on PostgreSQL: table {@code <schema>.llmops_ledger}, one row per attempt, written in
 * batches through the client's ledger queue, and the totals users ask of it.
 *
 * <pre>{@code
 * JdbcMigrations.migrate(dataSource, "llmops");
 * JdbcLedger ledger = JdbcLedger.builder(dataSource).schema("llmops").build();
 * LlmClient client = LlmClient.builder()
 *     .accounting(Accounting.builder().ledger(ledger.sink()).build())   // through the ledger queue
 *     ...
 *     .build();
 * Map<String, Summary> byTenant = ledger.summarize(Dimension.TENANT, monthStart, monthEnd);
 * }</pre>
 *
 * <p><b>Writes.</b> {@link #write} inserts a batch in one transaction with {@code ON CONFLICT
 * (call_id, attempt) DO NOTHING}: a batch the queue retries after a failure (even one whose commit
 * reached the database before the connection broke) never counts an attempt twice. Set the driver
 * property {@code reWriteBatchedInserts=true} on the data source to send a batch as one multi-row
 * insert. Money is stored as {@code NUMERIC} with every digit; times to the microsecond (the
 * database's precision).
 *
 * <p><b>Reads.</b> {@link #summarize} and {@link #total} give the figures {@link
 * dev.llmops.core.accounting.InMemoryLedger} gives for the same records; {@link #daily} the same per
 * calendar day. Every interval is {@code [from, to)} on the records' {@link LedgerRecord#at()}.
 * Thread-safe; each call borrows a connection from the data source and returns it.
 */
public final class JdbcLedger implements BatchSink<LedgerRecord> {
  private static final String COLUMNS = "call_id, attempt, at, outcome, endpoint, provider, model, tenant, subject, feature,"
      + " api_key_id, prompt_name, prompt_version, experiment_key, variant, shadow, input_tokens, output_tokens,"
      + " cached_input_tokens, cache_write_tokens, reasoning_tokens, usage_estimated, cost_total, cost_input,"
      + " cost_cache_read, cost_cache_write, cost_output, cost_reasoning, cost_estimated, catalog_version, priced_as, saved";
  private static final String TOTALS = "count(*), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),"
      + " coalesce(sum(cached_input_tokens), 0), coalesce(sum(cache_write_tokens), 0), coalesce(sum(reasoning_tokens), 0),"
      + " coalesce(bool_or(usage_estimated), false), coalesce(sum(cost_total), 0),"
      + " count(*) FILTER (WHERE cost_total IS NULL), coalesce(sum(saved), 0)";

  private final DataSource dataSource;
  private final String schema;
  private final String table;
  private final String insert;

  private JdbcLedger(Builder b) {
    this.dataSource = b.dataSource;
    this.schema = b.schema;
    this.table = schema + ".llmops_ledger";
    this.insert = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id, attempt) DO NOTHING";
  }

  /** A builder writing to {@code dataSource}, in schema {@code llmops} unless set. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** The schema of the table. */
  public String schema() {
    return schema;
  }

  /**
   * This ledger as the sink of {@code Accounting.Builder.ledger} (or {@code ConfigBindings.ledger}):
   * records reach {@link #write} in batches of up to the ledger queue's {@code maxBatch}.
   */
  public LedgerSink sink() {
    return LedgerSink.batched(this);
  }

  /**
   * Inserts {@code batch} in one transaction; records already stored (same call id and attempt) are
   * left as they are.
   *
   * @throws JdbcStoreException if the database refused the batch or could not be reached (the
   *     transaction is rolled back; the queue writes the batch again after its backoff)
   */
  @Override
  public void write(List<LedgerRecord> batch) {
    Objects.requireNonNull(batch, "batch");
    if (batch.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        for (LedgerRecord r : batch) {
          bind(ps, r);
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw Sql.failure("inserting " + batch.size() + " ledger records", table, e);
    }
  }

  private static void bind(PreparedStatement ps, LedgerRecord r) throws SQLException {
    int i = 0;
    ps.setString(++i, Sql.text(r.callId()));
    ps.setInt(++i, r.attempt());
    ps.setObject(++i, Sql.timestamp(r.at()));
    ps.setString(++i, r.outcome().name());
    ps.setString(++i, Sql.text(r.endpoint()));
    ps.setString(++i, Sql.text(r.provider()));
    ps.setString(++i, Sql.text(r.model()));
    ps.setString(++i, Sql.text(r.tenant()));
    ps.setString(++i, Sql.text(r.subject()));
    ps.setString(++i, Sql.text(r.feature()));
    ps.setString(++i, Sql.text(r.apiKeyId()));
    ps.setString(++i, Sql.text(r.promptName()));
    ps.setInt(++i, r.promptVersion());
    ps.setString(++i, Sql.text(r.experimentKey()));
    ps.setString(++i, Sql.text(r.variant()));
    ps.setBoolean(++i, r.shadow());
    Usage u = r.usage();
    ps.setLong(++i, u.inputTokens());
    ps.setLong(++i, u.outputTokens());
    ps.setLong(++i, u.cachedInputTokens());
    ps.setLong(++i, u.cacheWriteTokens());
    ps.setLong(++i, u.reasoningTokens());
    ps.setBoolean(++i, u.estimated());
    Cost cost = r.cost();
    money(ps, ++i, cost.total());
    money(ps, ++i, cost.input());
    money(ps, ++i, cost.cacheRead());
    money(ps, ++i, cost.cacheWrite());
    money(ps, ++i, cost.output());
    money(ps, ++i, cost.reasoning());
    ps.setBoolean(++i, cost.estimated());
    ps.setString(++i, Sql.text(cost.catalogVersion()));
    ps.setString(++i, Sql.text(cost.pricedAs()));
    money(ps, ++i, r.saved());
  }

  private static void money(PreparedStatement ps, int index, @Nullable Money m) throws SQLException {
    if (m == null) {
      ps.setNull(index, Types.NUMERIC);
    } else {
      // Money strips trailing zeros (1000 is 1E+3, scale -3); a non-negative scale is the same number.
      BigDecimal a = m.amount();
      ps.setBigDecimal(index, a.scale() < 0 ? a.setScale(0) : a);
    }
  }

  static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException suppressed) {
      cause.addSuppressed(suppressed);
    }
  }

  /** How many records the table holds. */
  public long count() {
    return query("counting ledger records", "SELECT count(*) FROM " + table, ps -> { }, rs -> {
      rs.next();
      return rs.getLong(1);
    });
  }

  /** Totals over every record, as {@code InMemoryLedger.total()}. */
  public Summary total() {
    return total(null, null);
  }

  /**
   * Totals over the records of {@code [from, to)}.
   *
   * @param from the first instant included, or null for no lower bound
   * @param to the first instant excluded, or null for no upper bound
   */
  public Summary total(@Nullable Instant from, @Nullable Instant to) {
    String sql = "SELECT " + TOTALS + " FROM " + table + where(from, to);
    return query("totalling the ledger", sql, ps -> range(ps, 1, from, to), rs -> {
      rs.next();
      return summary(rs, 1);
    });
  }

  /** Totals grouped by {@code dimension} over every record, keys sorted: as {@code InMemoryLedger.summarize}. */
  public Map<String, Summary> summarize(Dimension dimension) {
    return summarize(dimension, null, null);
  }

  /**
   * Totals grouped by {@code dimension} over the records of {@code [from, to)}, keys sorted as
   * {@code InMemoryLedger.summarize} sorts them; records without the attribute under {@link
   * Dimension#NONE}.
   *
   * @param from the first instant included, or null for no lower bound
   * @param to the first instant excluded, or null for no upper bound
   */
  public Map<String, Summary> summarize(Dimension dimension, @Nullable Instant from, @Nullable Instant to) {
    String key = keyOf(Objects.requireNonNull(dimension, "dimension"));
    String sql = "SELECT " + key + " AS k, " + TOTALS + " FROM " + table + where(from, to) + " GROUP BY k";
    return query("summarizing the ledger by " + dimension, sql, ps -> range(ps, 1, from, to), rs -> {
      Map<String, Summary> out = new TreeMap<>();
      while (rs.next()) {
        out.put(rs.getString(1), summary(rs, 2));
      }
      return out;
    });
  }

  /**
   * Totals per calendar day (in {@code zone}) and value of {@code dimension} over {@code [from,
   * to)}: spend per tenant per day, per model per day. Ordered by day, then key as {@link
   * #summarize} orders keys.
   *
   * @param zone the zone whose midnight starts a day, for example {@code ZoneOffset.UTC}
   */
  public List<DailySummary> daily(Dimension dimension, Instant from, Instant to, ZoneId zone) {
    String key = keyOf(Objects.requireNonNull(dimension, "dimension"));
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(zone, "zone");
    String sql = "SELECT (at AT TIME ZONE ?)::date AS d, " + key + " AS k, " + TOTALS + " FROM " + table
        + where(from, to) + " GROUP BY d, k";
    return query("summarizing the ledger by day and " + dimension, sql, ps -> {
      ps.setString(1, zone.normalized().getId());
      range(ps, 2, from, to);
    }, rs -> {
      List<DailySummary> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new DailySummary(rs.getObject(1, LocalDate.class), rs.getString(2), summary(rs, 3)));
      }
      out.sort(Comparator.comparing(DailySummary::day).thenComparing(DailySummary::key));
      return out;
    });
  }

  /**
   * The records of {@code [from, to)}, oldest first (then by call id and attempt), at most {@code
   * limit} of them.
   *
   * @throws IllegalArgumentException if {@code limit} is below 1
   */
  public List<LedgerRecord> records(@Nullable Instant from, @Nullable Instant to, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
    }
    String sql = "SELECT " + COLUMNS + " FROM " + table + where(from, to) + " ORDER BY at, call_id, attempt LIMIT " + limit;
    return query("reading ledger records", sql, ps -> range(ps, 1, from, to), rs -> {
      List<LedgerRecord> out = new ArrayList<>();
      while (rs.next()) {
        out.add(record(rs));
      }
      return out;
    });
  }

  private static LedgerRecord record(ResultSet rs) throws SQLException {
    int i = 0;
    String callId = rs.getString(++i);
    int attempt = rs.getInt(++i);
    Instant at = rs.getObject(++i, OffsetDateTime.class).toInstant();
    Outcome outcome = Outcome.valueOf(rs.getString(++i));
    String endpoint = rs.getString(++i);
    String provider = rs.getString(++i);
    String model = rs.getString(++i);
    String tenant = rs.getString(++i);
    String subject = rs.getString(++i);
    String feature = rs.getString(++i);
    String apiKeyId = rs.getString(++i);
    String promptName = rs.getString(++i);
    int promptVersion = rs.getInt(++i);
    String experimentKey = rs.getString(++i);
    String variant = rs.getString(++i);
    boolean shadow = rs.getBoolean(++i);
    Usage usage = new Usage(rs.getLong(++i), rs.getLong(++i), rs.getLong(++i), rs.getLong(++i), rs.getLong(++i),
        rs.getBoolean(++i));
    Money total = money(rs, ++i);
    Cost cost = new Cost(total, requireMoney(rs, ++i), requireMoney(rs, ++i), requireMoney(rs, ++i),
        requireMoney(rs, ++i), requireMoney(rs, ++i), rs.getBoolean(++i), rs.getString(++i), rs.getString(++i));
    Money saved = money(rs, ++i);
    return new LedgerRecord(callId, attempt, at, outcome, endpoint, provider, model, tenant, subject, feature, apiKeyId,
        promptName, promptVersion, experimentKey, variant, shadow, usage, cost, saved);
  }

  private static @Nullable Money money(ResultSet rs, int index) throws SQLException {
    BigDecimal d = rs.getBigDecimal(index);
    return d == null ? null : Money.usd(d);
  }

  private static Money requireMoney(ResultSet rs, int index) throws SQLException {
    Money m = money(rs, index);
    return m == null ? Money.ZERO : m;
  }

  private static Summary summary(ResultSet rs, int first) throws SQLException {
    int i = first;
    long records = rs.getLong(i++);
    Usage usage = new Usage(rs.getLong(i++), rs.getLong(i++), rs.getLong(i++), rs.getLong(i++), rs.getLong(i++),
        rs.getBoolean(i++));
    Money cost = Money.usd(rs.getBigDecimal(i++));
    long unknown = rs.getLong(i++);
    Money saved = Money.usd(rs.getBigDecimal(i));
    return new Summary(records, usage, cost, unknown, saved);
  }

  /** The SQL of a dimension's group key, as {@link Dimension#of} computes it. */
  private static String keyOf(Dimension d) {
    String none = "'" + Dimension.NONE + "'";
    return switch (d) {
      case TENANT -> "coalesce(tenant, " + none + ")";
      case SUBJECT -> "coalesce(subject, " + none + ")";
      case FEATURE -> "coalesce(feature, " + none + ")";
      case API_KEY -> "coalesce(api_key_id, " + none + ")";
      case ENDPOINT -> "endpoint";
      case MODEL -> "model";
      case PROMPT -> "coalesce(prompt_name || '@' || prompt_version, " + none + ")";
      case VARIANT -> "coalesce(variant, " + none + ")";
      case SHADOW -> "CASE WHEN shadow THEN 'true' ELSE 'false' END";
      case OUTCOME -> "outcome";
    };
  }

  private static String where(@Nullable Instant from, @Nullable Instant to) {
    if (from == null && to == null) {
      return "";
    }
    if (from != null && to != null) {
      return " WHERE at >= ? AND at < ?";
    }
    return from != null ? " WHERE at >= ?" : " WHERE at < ?";
  }

  private static void range(PreparedStatement ps, int first, @Nullable Instant from, @Nullable Instant to)
      throws SQLException {
    int i = first;
    if (from != null) {
      ps.setObject(i++, Sql.timestamp(from));
    }
    if (to != null) {
      ps.setObject(i, Sql.timestamp(to));
    }
  }

  private <R> R query(String what, String sql, Jdbc.Binder binder, Jdbc.Reader<R> reader) {
    return Jdbc.query(dataSource, table, what, sql, binder, reader);
  }

  @Override
  public String toString() {
    return "JdbcLedger[" + table + "]";
  }

  /** Builds a {@link JdbcLedger}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = Sql.DEFAULT_SCHEMA;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Sets the schema of the table (default {@code llmops}), the one {@link JdbcMigrations#migrate}
     * was given.
     *
     * @throws IllegalArgumentException if it is not a lower-case identifier of at most 63 characters
     */
    public Builder schema(String schema) {
      this.schema = Sql.schema(schema);
      return this;
    }

    /** Builds the ledger; it connects on first use. */
    public JdbcLedger build() {
      return new JdbcLedger(this);
    }
  }
}
