package dev.llmops.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Role;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.prompt.PromptDefinition;
import dev.llmops.core.prompt.PromptSource;
import dev.llmops.core.prompt.PromptVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Prompt versions and labels on PostgreSQL (tables {@code llmops_prompt_version} and {@code
 * llmops_prompt_label}), as the {@link PromptSource} of a {@code PromptRegistry}, so every replica
 * resolves the same label.
 *
 * <pre>{@code
 * JdbcPromptStore store = JdbcPromptStore.builder(dataSource).schema("llmops").build();
 * store.add(PromptVersion.builder("support-reply", 3).system("...").user("{{question}}").build());
 * PromptRegistry registry = PromptRegistry.builder().source(store).timeToLive(Duration.ofSeconds(30)).build();
 * registry.promote("support-reply", "production", 3, "alice");   // stored, audited, seen by all replicas
 * }</pre>
 *
 * <p><b>Label moves</b> are one transaction each: the label's row is locked, checked, moved (its
 * revision counts the moves) and an audit row ({@value AuditEvent#PROMPT_LABEL_MOVED}) is written to
 * {@code llmops_audit} in the same transaction, so a move is never stored without its audit nor
 * audited without being stored. {@link #moveLabel(String, String, Integer, int, String)} is the
 * compare-and-set form: it moves only if the label still points where the mover saw it, else throws
 * {@link PromptLabelConflictException}; the registry's {@code promote} and {@code rollback} call it
 * with the version they read and the actor. {@link PromptSource#moveLabel(String, String, int)}
 * moves unconditionally (its audit row has no actor).
 *
 * <p><b>Propagation.</b> Another replica sees a move when its registry reloads the prompt: within
 * the registry's time-to-live, or at once after {@code registry.refresh()}. There is no {@code
 * LISTEN/NOTIFY}: the time-to-live bounds the delay without a connection held per replica.
 *
 * <p>Versions are immutable: each is stored with its content hash, which is checked when loaded
 * (an edited row fails the load, naming it, and the registry keeps serving what it had). Thread-safe.
 */
public final class JdbcPromptStore implements PromptSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSource dataSource;
  private final Clock clock;
  private final String versions;
  private final String labels;
  private final String audit;

  private JdbcPromptStore(Builder b) {
    this.dataSource = b.dataSource;
    this.clock = b.clock;
    this.versions = b.schema + ".llmops_prompt_version";
    this.labels = b.schema + ".llmops_prompt_label";
    this.audit = b.schema + ".llmops_audit";
  }

  /** A builder over {@code dataSource}, in schema {@code llmops} unless set. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Stores a version. Storing the same version again with the same content does nothing.
   *
   * @return true if stored, false if it was already there with the same content
   * @throws IllegalStateException if the version is stored with other content (versions are
   *     immutable: add a new version instead)
   * @throws JdbcStoreException if the database refused or could not be reached
   */
  public boolean add(PromptVersion version) {
    Objects.requireNonNull(version, "version");
    String insert = "INSERT INTO " + versions + " (name, version, model, messages, parameters, metadata, content_hash)"
        + " VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?) ON CONFLICT (name, version) DO NOTHING";
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        ps.setString(1, version.name());
        ps.setInt(2, version.version());
        ps.setString(3, version.model());
        ps.setString(4, messages(version.messages()));
        ps.setString(5, parameters(version.parameters()));
        ps.setString(6, JSON.writeValueAsString(version.metadata()));
        ps.setString(7, version.contentHash());
        if (ps.executeUpdate() == 1) {
          return true;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT content_hash FROM " + versions + " WHERE name = ? AND version = ?")) {
        ps.setString(1, version.name());
        ps.setInt(2, version.version());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (!rs.getString(1).equals(version.contentHash())) {
            throw new IllegalStateException("prompt '" + version.name() + "' version " + version.version()
                + " is already stored in " + versions + " with other content; versions are immutable, add a new one");
          }
          return false;
        }
      }
    } catch (SQLException e) {
      throw Sql.failure("storing prompt '" + version.name() + "' version " + version.version(), versions, e);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("prompt metadata is a map of strings, always JSON", e);
    }
  }

  @Override
  public Optional<PromptDefinition> load(String name) {
    Objects.requireNonNull(name, "name");
    // Versions and labels of one snapshot. A pool (HikariCP) restores the connection's isolation
    // and read-only flag when it is returned.
    return Jdbc.transaction(dataSource, versions, "loading prompt '" + name + "'", c -> {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      List<PromptVersion> found = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT version, model, messages::text, parameters::text,"
          + " metadata::text, content_hash FROM " + versions + " WHERE name = ? ORDER BY version")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add(version(name, rs));
          }
        }
      }
      Map<String, Integer> labelled = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT label, version FROM " + labels + " WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            labelled.put(rs.getString(1), rs.getInt(2));
          }
        }
      }
      return found.isEmpty() ? Optional.<PromptDefinition>empty() : Optional.of(new PromptDefinition(name, found, labelled));
    });
  }

  private PromptVersion version(String name, ResultSet rs) throws SQLException {
    int number = rs.getInt(1);
    String where = versions + " row (" + name + ", " + number + ")";
    try {
      PromptVersion.Builder b = PromptVersion.builder(name, number).model(rs.getString(2));
      for (JsonNode m : JSON.readTree(rs.getString(3))) {
        b.message(Role.valueOf(m.path("role").asText()), m.path("template").asText());
      }
      b.parameters(parameters(JSON.readTree(rs.getString(4))));
      for (Map.Entry<String, JsonNode> e : JSON.readTree(rs.getString(5)).properties()) {
        b.metadata(e.getKey(), e.getValue().asText());
      }
      PromptVersion v = b.build();
      if (!v.contentHash().equals(rs.getString(6))) {
        throw new ConfigurationException(where + ": content does not match column content_hash (edited in the database?)");
      }
      return v;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new ConfigurationException(where + ": unreadable (" + e.getMessage() + ")");
    }
  }

  /**
   * Points {@code label} at {@code version} unconditionally, audited; what {@code
   * PromptRegistry.promote} and {@code rollback} call.
   *
   * @return true: the move is stored
   * @throws IllegalArgumentException if the version is not stored
   */
  @Override
  public boolean moveLabel(String name, String label, int version) {
    move(name, label, null, false, version, null);
    return true;
  }

  /**
   * Points {@code label} at {@code version} if it still points at {@code expected}, in one
   * transaction with its audit row: what {@code PromptRegistry.promote} and {@code rollback} call,
   * so a registry whose view is stale (another replica moved the label since it loaded) fails
   * instead of overwriting the other move.
   *
   * @param expected the version the mover saw, or null if the label did not exist
   * @param actor who moves it, recorded in the audit row and the label's {@code moved_by}
   * @return true: the move is stored
   * @throws PromptLabelConflictException if the label points elsewhere: nothing changed
   * @throws IllegalArgumentException if the version is not stored, or the label is {@code latest}
   */
  @Override
  public boolean moveLabel(String name, String label, @Nullable Integer expected, int version, String actor) {
    Objects.requireNonNull(actor, "actor");
    move(name, label, expected, true, version, actor);
    return true;
  }

  /**
   * How many times {@code label} of {@code name} has moved (1 when created), or 0 when it does not
   * exist.
   */
  public long revision(String name, String label) {
    return Jdbc.query(dataSource, labels, "reading label '" + label + "' of prompt '" + name + "'",
        "SELECT revision FROM " + labels + " WHERE name = ? AND label = ?", ps -> {
          ps.setString(1, name);
          ps.setString(2, label);
        }, rs -> rs.next() ? rs.getLong(1) : 0L);
  }

  private long move(String name, String label, @Nullable Integer expected, boolean check, int version, @Nullable String actor) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(label, "label");
    if (label.isBlank()) {
      throw new IllegalArgumentException("label must not be blank");
    }
    if ("latest".equals(label)) {
      throw new IllegalArgumentException("label 'latest' is implicit and cannot be moved");
    }
    return Jdbc.transaction(dataSource, labels, "moving label '" + label + "' of prompt '" + name + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + versions + " WHERE name = ? AND version = ?")) {
        ps.setString(1, name);
        ps.setInt(2, version);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalArgumentException("prompt '" + name + "' has no version " + version + " in " + versions);
          }
        }
      }
      Integer current = null;
      long revision = 0;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT version, revision FROM " + labels + " WHERE name = ? AND label = ? FOR UPDATE")) {
        ps.setString(1, name);
        ps.setString(2, label);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            current = rs.getInt(1);
            revision = rs.getLong(2);
          }
        }
      }
      if (check && !Objects.equals(current, expected)) {
        throw new PromptLabelConflictException(name, label, expected, current);
      }
      Instant now = clock.instant();
      if (current == null) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + labels
            + " (name, label, version, revision, moved_at, moved_by) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING")) {
          ps.setString(1, name);
          ps.setString(2, label);
          ps.setInt(3, version);
          ps.setObject(4, Sql.timestamp(now));
          ps.setString(5, actor);
          if (ps.executeUpdate() == 0) { // created by another mover since our read
            throw new PromptLabelConflictException(name, label, expected, null);
          }
        }
      } else {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + labels
            + " SET version = ?, revision = revision + 1, moved_at = ?, moved_by = ? WHERE name = ? AND label = ?")) {
          ps.setInt(1, version);
          ps.setObject(2, Sql.timestamp(now));
          ps.setString(3, actor);
          ps.setString(4, name);
          ps.setString(5, label);
          ps.executeUpdate();
        }
      }
      long after = revision + 1;
      JdbcAuditLog.insert(c, audit, new AuditEvent(now, AuditEvent.PROMPT_LABEL_MOVED, name + "/" + label, actor,
          current == null ? null : String.valueOf(current), String.valueOf(version),
          Map.of("store", "jdbc", "revision", String.valueOf(after))));
      return after;
    });
  }

  private static String messages(List<PromptVersion.MessageTemplate> messages) throws JsonProcessingException {
    ArrayNode out = JSON.createArrayNode();
    for (PromptVersion.MessageTemplate m : messages) {
      out.addObject().put("role", m.role().name()).put("template", m.template());
    }
    return JSON.writeValueAsString(out);
  }

  private static String parameters(GenerationParameters p) throws JsonProcessingException {
    ObjectNode o = JSON.createObjectNode();
    if (p.temperature() != null) {
      o.put("temperature", p.temperature());
    }
    if (p.topP() != null) {
      o.put("topP", p.topP());
    }
    if (p.maxOutputTokens() != null) {
      o.put("maxOutputTokens", p.maxOutputTokens());
    }
    if (!p.stopSequences().isEmpty()) {
      ArrayNode stops = o.putArray("stopSequences");
      p.stopSequences().forEach(stops::add);
    }
    if (p.seed() != null) {
      o.put("seed", p.seed());
    }
    if (p.presencePenalty() != null) {
      o.put("presencePenalty", p.presencePenalty());
    }
    if (p.frequencyPenalty() != null) {
      o.put("frequencyPenalty", p.frequencyPenalty());
    }
    return JSON.writeValueAsString(o);
  }

  private static GenerationParameters parameters(JsonNode o) {
    List<String> stops = new ArrayList<>();
    o.path("stopSequences").forEach(s -> stops.add(s.asText()));
    return GenerationParameters.builder()
        .temperature(o.has("temperature") ? o.get("temperature").asDouble() : null)
        .topP(o.has("topP") ? o.get("topP").asDouble() : null)
        .maxOutputTokens(o.has("maxOutputTokens") ? o.get("maxOutputTokens").asInt() : null)
        .stopSequences(stops)
        .seed(o.has("seed") ? o.get("seed").asLong() : null)
        .presencePenalty(o.has("presencePenalty") ? o.get("presencePenalty").asDouble() : null)
        .frequencyPenalty(o.has("frequencyPenalty") ? o.get("frequencyPenalty").asDouble() : null)
        .build();
  }

  @Override
  public String toString() {
    return "JdbcPromptStore[" + versions + ", " + labels + "]";
  }

  /** Builds a {@link JdbcPromptStore}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = Sql.DEFAULT_SCHEMA;
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Sets the schema of the tables (default {@code llmops}).
     *
     * @throws IllegalArgumentException if it is not a lower-case identifier of at most 63 characters
     */
    public Builder schema(String schema) {
      this.schema = Sql.schema(schema);
      return this;
    }

    /** Sets the clock of label moves and their audit rows (default {@link Clock#systemUTC()}); use the registry's. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the store; it connects on first use. */
    public JdbcPromptStore build() {
      return new JdbcPromptStore(this);
    }
  }
}
