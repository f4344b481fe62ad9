package dev.llmops.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.Cancellable;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.sink.BatchSink;
import dev.llmops.core.transcript.SubjectKey;
import dev.llmops.core.transcript.Transcript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transcripts on PostgreSQL, encrypted at rest: table {@code <schema>.llmops_transcript}, written
 * in batches through a {@code TranscriptStore}'s queue, with retention, erasure by subject and key
 * rotation.
 *
 * <pre>{@code
 * SubjectKey subjects = SubjectKey.of(secretFromVault);          // the same on every replica
 * JdbcTranscripts stored = JdbcTranscripts.builder(dataSource, keys, subjects)
 *     .schema("llmops").ttl(Duration.ofDays(30)).clock(clock).build();
 * TranscriptStore transcripts = TranscriptStore.builder().subjectKey(subjects).sink(stored).build();
 * Cancellable purge = stored.startPurging(scheduler, Duration.ofHours(1));  // retention
 * stored.purgeSubject(userId);                                             // erasure request
 * stored.reencrypt(1_000);                                                 // after a key rotation
 * }</pre>
 *
 * <p><b>What is stored.</b> The transcript store redacts before it queues; this store then
 * encrypts the messages, answer and error with AES-GCM under the current key of {@link
 * TranscriptKeys} (a fresh random IV per row, the call id as associated data) and keeps in clear
 * only the time, tenant, subject pseudonym, endpoint and key id. A row read without its key fails
 * with a {@link JdbcStoreException} naming the key id; a ciphertext moved to another row fails to
 * decrypt. Writes are idempotent on the call id.
 *
 * <p><b>Retention</b> is {@link #purgeExpired()}: rows older than the TTL on the injected clock are
 * deleted through the {@code at} index in chunks, so a purge never holds a long lock; {@link
 * #startPurging} repeats it on a scheduler. Thread-safe.
 */
public final class JdbcTranscripts implements BatchSink<Transcript> {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcTranscripts.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "call_id, at, tenant, subject_key, endpoint, key_id, content";

  private final DataSource dataSource;
  private final TranscriptKeys keys;
  private final SubjectKey subjects;
  private final Clock clock;
  private final Duration ttl;
  private final int purgeChunk;
  private final String table;
  private final TranscriptCipher cipher = new TranscriptCipher();

  private JdbcTranscripts(Builder b) {
    this.dataSource = b.dataSource;
    this.keys = b.keys;
    this.subjects = b.subjects;
    this.clock = b.clock;
    this.ttl = b.ttl;
    this.purgeChunk = b.purgeChunk;
    this.table = b.schema + ".llmops_transcript";
  }

  /**
   * A builder over {@code dataSource}, encrypting with {@code keys}, matching subjects with {@code
   * subjects} (the key the {@code TranscriptStore} uses).
   */
  public static Builder builder(DataSource dataSource, TranscriptKeys keys, SubjectKey subjects) {
    return new Builder(dataSource, keys, subjects);
  }

  /**
   * Encrypts and inserts {@code batch} in one transaction; transcripts already stored (same call
   * id) are left as they are.
   *
   * @throws JdbcStoreException if the database refused the batch or could not be reached, or the
   *     current key is missing
   */
  @Override
  public void write(List<Transcript> batch) {
    Objects.requireNonNull(batch, "batch");
    if (batch.isEmpty()) {
      return;
    }
    String keyId = keys.currentKeyId();
    SecretKey key = key(keyId);
    Jdbc.insertBatch(dataSource, table, "inserting " + batch.size() + " transcripts",
        "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING", batch,
        (ps, t) -> {
          String callId = Objects.requireNonNull(Sql.text(t.callId()));
          ps.setString(1, callId);
          ps.setObject(2, Sql.timestamp(t.at()));
          ps.setString(3, Sql.text(t.tenant()));
          ps.setString(4, Sql.text(t.subjectHash()));
          ps.setString(5, Sql.text(t.endpoint()));
          ps.setString(6, keyId);
          ps.setBytes(7, encrypt(keyId, key, content(t), callId));
        });
  }

  private byte[] encrypt(String keyId, SecretKey key, byte[] plain, String callId) {
    try {
      return cipher.encrypt(key, plain, callId.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new JdbcStoreException("encrypting row " + callId + " of table " + table + " with key '" + keyId + "' failed: "
          + e, table, e);
    }
  }

  private SecretKey key(String keyId) {
    return keys.key(keyId).orElseThrow(() -> new JdbcStoreException(
        "no key '" + keyId + "' in " + keys + ": rows of table " + table + " encrypted with it cannot be read", table, null));
  }

  private static byte[] content(Transcript t) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode messages = o.putArray("messages");
    for (Message m : t.messages()) {
      ObjectNode n = messages.addObject().put("role", m.role().name()).put("content", m.content());
      if (m.toolCallId() != null) {
        n.put("toolCallId", m.toolCallId());
      }
      if (m.toolError()) {
        n.put("toolError", true);
      }
    }
    o.put("answer", t.answer());
    o.put("error", t.error());
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException("a tree of strings is always JSON", e);
    }
  }

  /** The transcript of {@code callId}, decrypted, if stored. */
  public Optional<Transcript> byCallId(String callId) {
    Objects.requireNonNull(callId, "callId");
    List<Transcript> found = read("reading transcript " + callId, "SELECT " + COLUMNS + " FROM " + table + " WHERE call_id = ?",
        ps -> ps.setString(1, callId));
    return found.stream().findFirst();
  }

  /** The transcripts of {@code subject} (matched by its pseudonym), oldest first, decrypted. */
  public List<Transcript> bySubject(String subject) {
    String pseudonym = subjects.pseudonym(subject);
    return read("reading a subject's transcripts", "SELECT " + COLUMNS + " FROM " + table
        + " WHERE subject_key = ? ORDER BY at, call_id", ps -> ps.setString(1, pseudonym));
  }

  private List<Transcript> read(String what, String sql, Jdbc.Binder binder) {
    List<Row> rows = Jdbc.query(dataSource, table, what, sql, binder, rs -> {
      List<Row> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new Row(rs));
      }
      return out;
    });
    List<Transcript> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(r.decrypt());
    }
    return out;
  }

  /** One stored row, still encrypted. */
  private final class Row {
    final String callId;
    final Instant at;
    final @Nullable String tenant;
    final @Nullable String subjectKey;
    final @Nullable String endpoint;
    final String keyId;
    final byte[] content;

    Row(ResultSet rs) throws SQLException {
      this.callId = rs.getString(1);
      this.at = rs.getObject(2, OffsetDateTime.class).toInstant();
      this.tenant = rs.getString(3);
      this.subjectKey = rs.getString(4);
      this.endpoint = rs.getString(5);
      this.keyId = rs.getString(6);
      this.content = rs.getBytes(7);
    }

    byte[] plain() {
      try {
        return cipher.decrypt(key(keyId), content, callId.getBytes(StandardCharsets.UTF_8));
      } catch (GeneralSecurityException e) {
        throw new JdbcStoreException("row " + callId + " of table " + table + " does not decrypt with key '" + keyId
            + "' (" + e.getClass().getSimpleName() + "): wrong key, or content altered or moved from another row", table, e);
      }
    }

    Transcript decrypt() {
      try {
        JsonNode o = JSON.readTree(plain());
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : o.path("messages")) {
          messages.add(new Message(Role.valueOf(m.path("role").asText()), m.path("content").asText(), List.of(),
              m.hasNonNull("toolCallId") ? m.get("toolCallId").asText() : null, m.path("toolError").asBoolean(false)));
        }
        return new Transcript(callId, at, tenant, subjectKey, endpoint, messages,
            o.hasNonNull("answer") ? o.get("answer").asText() : null, o.hasNonNull("error") ? o.get("error").asText() : null);
      } catch (IOException | IllegalArgumentException e) {
        throw new JdbcStoreException("row " + callId + " of table " + table + ": column content is not a transcript ("
            + e.getMessage() + ")", table, e);
      }
    }
  }

  /**
   * Deletes every transcript of {@code subject} (an erasure request), matched by its pseudonym.
   *
   * @return how many were deleted
   */
  public int purgeSubject(String subject) {
    String pseudonym = subjects.pseudonym(subject);
    return update("purging a subject's transcripts", "DELETE FROM " + table + " WHERE subject_key = ?",
        ps -> ps.setString(1, pseudonym));
  }

  /**
   * Deletes the transcripts older than the TTL on the clock, in chunks of the builder's {@code
   * purgeChunk} rows (each its own statement), until none is left.
   *
   * @return how many were deleted
   */
  public int purgeExpired() {
    OffsetDateTime before = Sql.timestamp(clock.instant().minus(ttl));
    String sql = "DELETE FROM " + table + " WHERE call_id IN (SELECT call_id FROM " + table
        + " WHERE at < ? ORDER BY at LIMIT " + purgeChunk + ")";
    int total = 0;
    int deleted;
    do {
      deleted = update("purging expired transcripts", sql, ps -> ps.setObject(1, before));
      total += deleted;
    } while (deleted == purgeChunk);
    return total;
  }

  /**
   * Runs {@link #purgeExpired()} every {@code interval} on {@code scheduler} (use the client's, so
   * tests drive it with their clock) until the returned handle is cancelled. A failing purge is
   * logged and tried again at the next interval.
   */
  public Cancellable startPurging(TaskScheduler scheduler, Duration interval) {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive but was " + interval);
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    Runnable[] task = new Runnable[1];
    task[0] = () -> {
      if (cancelled.get()) {
        return;
      }
      try {
        int n = purgeExpired();
        if (n > 0) {
          LOG.info("purged {} transcripts older than {} from {}", n, ttl, table);
        }
      } catch (RuntimeException e) {
        LOG.warn("purging expired transcripts from {} failed; trying again in {}: {}", table, interval, e.toString());
      }
      if (!cancelled.get()) {
        scheduler.schedule(task[0], interval);
      }
    };
    scheduler.schedule(task[0], interval);
    return () -> cancelled.compareAndSet(false, true);
  }

  /**
   * Re-encrypts up to {@code max} rows whose key is not the current one with the current key (after
   * a rotation, before the old key is retired), in one transaction, skipping rows other writers
   * hold.
   *
   * @return how many rows were re-encrypted; call again until it returns 0
   * @throws JdbcStoreException if a row's old key is missing, or the database failed
   */
  public int reencrypt(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1 but was " + max);
    }
    String current = keys.currentKeyId();
    SecretKey key = key(current);
    return Jdbc.transaction(dataSource, table, "re-encrypting transcripts", c -> {
      List<Row> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table
          + " WHERE key_id <> ? LIMIT " + max + " FOR UPDATE SKIP LOCKED")) {
        ps.setString(1, current);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new Row(rs));
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET key_id = ?, content = ? WHERE call_id = ?")) {
        for (Row r : rows) {
          ps.setString(1, current);
          ps.setBytes(2, encrypt(current, key, r.plain(), r.callId));
          ps.setString(3, r.callId);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return rows.size();
    });
  }

  /** How many transcripts are stored. */
  public long count() {
    return Jdbc.query(dataSource, table, "counting transcripts", "SELECT count(*) FROM " + table, ps -> { }, rs -> {
      rs.next();
      return rs.getLong(1);
    });
  }

  private int update(String what, String sql, Jdbc.Binder binder) {
    return Jdbc.update(dataSource, table, what, sql, binder);
  }

  @Override
  public String toString() {
    return "JdbcTranscripts[" + table + ", " + keys + "]";
  }

  /** Builds a {@link JdbcTranscripts}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private final TranscriptKeys keys;
    private final SubjectKey subjects;
    private String schema = Sql.DEFAULT_SCHEMA;
    private Clock clock = Clock.systemUTC();
    private Duration ttl = Duration.ofDays(30);
    private int purgeChunk = 1_000;

    private Builder(DataSource dataSource, TranscriptKeys keys, SubjectKey subjects) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.keys = Objects.requireNonNull(keys, "keys");
      this.subjects = Objects.requireNonNull(subjects, "subjects");
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

    /** Sets the clock retention is measured on (default {@link Clock#systemUTC()}); use the client's. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how long a transcript is kept (default 30 days).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be positive but was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets how many rows one purge statement deletes at most (default 1,000).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder purgeChunk(int purgeChunk) {
      if (purgeChunk < 1) {
        throw new IllegalArgumentException("purgeChunk must be >= 1 but was " + purgeChunk);
      }
      this.purgeChunk = purgeChunk;
      return this;
    }

    /** Builds the store; it connects on first use. */
    public JdbcTranscripts build() {
      return new JdbcTranscripts(this);
    }
  }
}
