package dev.llmops.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.sink.BatchSink;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The audit log on PostgreSQL: table {@code <schema>.llmops_audit}, append-only (a trigger refuses
 * updates, deletes and truncation), written in batches through an {@code AuditLog}'s queue.
 *
 * <pre>{@code
 * JdbcAuditLog stored = JdbcAuditLog.builder(dataSource).schema("llmops").build();
 * AuditLog audit = AuditLog.builder().batchSink(stored).build();   // or ConfigBindings.auditBatchSink
 * PromptRegistry.builder().source(source).listener(AuditBridges.prompts(audit)).build();
 * List<AuditEvent> history = stored.events("support-reply/production", from, to, 100);
 * }</pre>
 *
 * <p>Each event is keyed by the SHA-256 of its content (instant to the nanosecond, action, target,
 * actor, before, after, details) and inserted with {@code ON CONFLICT DO NOTHING}, so a batch the
 * queue writes again is stored once; events identical in every field within one batch are told
 * apart by their position. Thread-safe.
 */
public final class JdbcAuditLog implements BatchSink<AuditEvent> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> DETAILS = new TypeReference<>() {};

  private final DataSource dataSource;
  private final String table;

  private JdbcAuditLog(Builder b) {
    this.dataSource = b.dataSource;
    this.table = b.schema + ".llmops_audit";
  }

  /** A builder writing to {@code dataSource}, in schema {@code llmops} unless set. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Inserts {@code batch} in one transaction; events already stored are left as they are.
   *
   * @throws JdbcStoreException if the database refused the batch or could not be reached
   */
  @Override
  public void write(List<AuditEvent> batch) {
    Objects.requireNonNull(batch, "batch");
    if (batch.isEmpty()) {
      return;
    }
    String sql = "INSERT INTO " + table + " (event_key, at, action, target, actor, value_before, value_after, details)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (event_key) DO NOTHING";
    Map<String, Integer> seen = new HashMap<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (AuditEvent e : batch) {
          String key = key(e);
          int n = seen.merge(key, 1, Integer::sum);
          bind(ps, n == 1 ? key : key + "#" + n, e);
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        JdbcLedger.rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw Sql.failure("inserting " + batch.size() + " audit events", table, e);
    }
  }

  /** Inserts one event in the caller's transaction (the prompt store audits a label move with it). */
  static void insert(Connection c, String table, AuditEvent e) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
        + " (event_key, at, action, target, actor, value_before, value_after, details)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (event_key) DO NOTHING")) {
      bind(ps, key(e), e);
      ps.executeUpdate();
    }
  }

  private static void bind(PreparedStatement ps, String key, AuditEvent e) throws SQLException {
    ps.setString(1, key);
    ps.setObject(2, Sql.timestamp(e.at()));
    ps.setString(3, Sql.text(e.action()));
    ps.setString(4, Sql.text(e.target()));
    ps.setString(5, Sql.text(e.actor()));
    ps.setString(6, Sql.text(e.before()));
    ps.setString(7, Sql.text(e.after()));
    ps.setString(8, json(e.details()));
  }

  private static String json(Map<String, String> details) {
    Map<String, String> clean = new TreeMap<>();
    details.forEach((k, v) -> clean.put(Objects.requireNonNull(Sql.text(k)), Objects.requireNonNull(Sql.text(v))));
    try {
      return JSON.writeValueAsString(clean);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings is always JSON", e);
    }
  }

  /** SHA-256 (hex) over the event's fields, each length-prefixed so no two events share an input. */
  static String key(AuditEvent e) {
    List<@Nullable String> fields = new ArrayList<>();
    fields.add(e.at().toString());
    fields.add(e.action());
    fields.add(e.target());
    fields.add(e.actor());
    fields.add(e.before());
    fields.add(e.after());
    new TreeMap<>(e.details()).forEach((k, v) -> {
      fields.add(k);
      fields.add(v);
    });
    StringBuilder sb = new StringBuilder();
    for (String f : fields) {
      sb.append(f == null ? "-1" : String.valueOf(f.length())).append(':').append(f == null ? "" : f).append(';');
    }
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
    }
  }

  /**
   * The events of {@code [from, to)}, oldest first (then in the order stored), for one target or
   * all, at most {@code limit}.
   *
   * @param target a target such as {@code support-reply/production}, or null for every target
   * @throws IllegalArgumentException if {@code limit} is below 1
   */
  public List<AuditEvent> events(@Nullable String target, Instant from, Instant to, int limit) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
    }
    String sql = "SELECT at, action, target, actor, value_before, value_after, details::text FROM " + table
        + " WHERE at >= ? AND at < ?" + (target == null ? "" : " AND target = ?") + " ORDER BY at, id LIMIT " + limit;
    return Jdbc.query(dataSource, table, "reading audit events", sql, ps -> {
      ps.setObject(1, Sql.timestamp(from));
      ps.setObject(2, Sql.timestamp(to));
      if (target != null) {
        ps.setString(3, target);
      }
    }, rs -> {
      List<AuditEvent> out = new ArrayList<>();
      while (rs.next()) {
        Map<String, String> details;
        try {
          details = JSON.readValue(rs.getString(7), DETAILS);
        } catch (JsonProcessingException e) {
          throw new SQLException("column details of " + table + " is not a JSON object of strings", "22000", e);
        }
        out.add(new AuditEvent(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getString(5), rs.getString(6), new LinkedHashMap<>(details)));
      }
      return out;
    });
  }

  @Override
  public String toString() {
    return "JdbcAuditLog[" + table + "]";
  }

  /** Builds a {@link JdbcAuditLog}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = Sql.DEFAULT_SCHEMA;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Sets the schema of the table (default {@code llmops}).
     *
     * @throws IllegalArgumentException if it is not a lower-case identifier of at most 63 characters
     */
    public Builder schema(String schema) {
      this.schema = Sql.schema(schema);
      return this;
    }

    /** Builds the audit log; it connects on first use. */
    public JdbcAuditLog build() {
      return new JdbcAuditLog(this);
    }
  }
}
