package dev.llmops.jdbc;

import dev.llmops.core.config.ConfigBindings;
import dev.llmops.core.transcript.SubjectKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The stores of this module over one data source and schema, ready to bind to a configuration
 * file's client: with {@link #bind}, the ledger ({@code accounting}), the audit log ({@code audit})
 * and transcripts ({@code retention}) of an {@code llmops.yaml} go to PostgreSQL, each through the
 * queue the file configures for it.
 *
 * <pre>{@code
 * JdbcStores stores = JdbcStores.builder(dataSource).schema("llmops")
 *     .transcripts(keys, SubjectKey.of(secret))   // the key retention.subjectKeyEnv names
 *     .migrate()                                  // optional: apply the migrations now
 *     .build();
 * LlmClient client = LlmOpsConfig.load(Path.of("llmops.yaml"))
 *     .newClientBuilder(stores.bind(ConfigBindings.builder()).build()).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class JdbcStores {
  private final JdbcLedger ledger;
  private final JdbcAuditLog audit;
  private final JdbcPromptStore prompts;
  private final @Nullable JdbcTranscripts transcripts;

  private JdbcStores(Builder b) {
    this.ledger = JdbcLedger.builder(b.dataSource).schema(b.schema).build();
    this.audit = JdbcAuditLog.builder(b.dataSource).schema(b.schema).build();
    this.prompts = JdbcPromptStore.builder(b.dataSource).schema(b.schema).clock(b.clock).build();
    TranscriptKeys keys = b.keys;
    SubjectKey subjects = b.subjects;
    this.transcripts = keys == null || subjects == null ? null
        : JdbcTranscripts.builder(b.dataSource, keys, subjects).schema(b.schema).clock(b.clock).ttl(b.transcriptTtl).build();
  }

  /** A builder over {@code dataSource}, schema {@code llmops} unless set. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** The ledger. */
  public JdbcLedger ledger() {
    return ledger;
  }

  /** The audit log. */
  public JdbcAuditLog audit() {
    return audit;
  }

  /** The prompt store. */
  public JdbcPromptStore prompts() {
    return prompts;
  }

  /** The transcript store, when {@link Builder#transcripts} was set. */
  public @Nullable JdbcTranscripts transcripts() {
    return transcripts;
  }

  /**
   * Binds the ledger, the audit log and (when configured) the transcripts to {@code bindings}: the
   * file's {@code accounting}, {@code audit} and {@code retention} sections then write here.
   *
   * @return {@code bindings}, for chaining
   */
  public ConfigBindings.Builder bind(ConfigBindings.Builder bindings) {
    Objects.requireNonNull(bindings, "bindings");
    bindings.ledger(ledger.sink()).auditBatchSink(audit);
    JdbcTranscripts t = transcripts;
    if (t != null) {
      bindings.transcriptSink(t);
    }
    return bindings;
  }

  /** Builds {@link JdbcStores}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = Sql.DEFAULT_SCHEMA;
    private Clock clock = Clock.systemUTC();
    private @Nullable TranscriptKeys keys;
    private @Nullable SubjectKey subjects;
    private Duration transcriptTtl = Duration.ofDays(30);
    private boolean migrate;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Sets the schema (default {@code llmops}).
     *
     * @throws IllegalArgumentException if it is not a lower-case identifier of at most 63 characters
     */
    public Builder schema(String schema) {
      this.schema = Sql.schema(schema);
      return this;
    }

    /** Sets the clock of label moves and transcript retention (default {@link Clock#systemUTC()}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Stores transcripts too, encrypted with {@code keys}, subjects matched with {@code subjects}
     * (the key of the configuration's {@code retention.subjectKeyEnv}).
     */
    public Builder transcripts(TranscriptKeys keys, SubjectKey subjects) {
      this.keys = Objects.requireNonNull(keys, "keys");
      this.subjects = Objects.requireNonNull(subjects, "subjects");
      return this;
    }

    /**
     * Sets how long stored transcripts are kept (default 30 days).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder transcriptTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("transcriptTtl must be positive but was " + ttl);
      }
      this.transcriptTtl = ttl;
      return this;
    }

    /** Applies the migrations ({@link JdbcMigrations#migrate}) when {@link #build} runs. */
    public Builder migrate() {
      this.migrate = true;
      return this;
    }

    /**
     * Builds the stores, migrating the schema first if asked.
     *
     * @throws JdbcStoreException if the migration fails
     */
    public JdbcStores build() {
      if (migrate) {
        JdbcMigrations.migrate(dataSource, schema);
      }
      return new JdbcStores(this);
    }
  }
}
