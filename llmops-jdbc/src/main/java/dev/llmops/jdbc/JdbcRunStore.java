package dev.llmops.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.agent.Limit;
import dev.llmops.agent.RunConflictException;
import dev.llmops.agent.RunState;
import dev.llmops.agent.RunStatus;
import dev.llmops.agent.RunStore;
import dev.llmops.agent.StepRecord;
import dev.llmops.agent.ToolExecution;
import dev.llmops.api.Message;
import dev.llmops.api.Money;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Agent runs' checkpoints on PostgreSQL (table {@code llmops_agent_run}, migration {@code V5}): one
 * row per run holding its latest {@link RunState} as JSON. A checkpoint is one statement, one round
 * trip: version 1 is an insert that does nothing when the run exists, version {@code n} an update
 * of the row still at {@code n - 1}; when no row changed, the run was carried on elsewhere and
 * {@link RunConflictException} says so. So a run resumes on any replica, and two replicas never
 * both carry it on.
 *
 * <pre>{@code
 * JdbcMigrations.migrate(dataSource, "llmops");
 * Agent agent = Agent.builder(client).tools(...).store(JdbcRunStore.create(dataSource, "llmops")).build();
 * }</pre>
 *
 * <p>The state holds the conversation with tool arguments and results as the agent's {@code
 * ToolPayloads} policy leaves them (redacted by default), user input and the model's text as they
 * are: keep the table where the conversation may be kept. Give it a pooled {@code DataSource}: a
 * checkpoint is then one statement on one borrowed connection. Thread-safe.
 */
public final class JdbcRunStore implements RunStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSource dataSource;
  private final String table;

  private JdbcRunStore(DataSource dataSource, String schema) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.table = Sql.schema(schema) + ".llmops_agent_run";
  }

  /**
   * A store in {@code schema} (migrated with {@link JdbcMigrations}).
   *
   * @throws IllegalArgumentException if the schema name is not a lower-case identifier
   */
  public static JdbcRunStore create(DataSource dataSource, String schema) {
    return new JdbcRunStore(dataSource, schema);
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached, or a stored state does not
   *     read back (naming the run)
   */
  @Override
  public Optional<RunState> load(String runId) {
    Objects.requireNonNull(runId, "runId");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT state FROM " + table + " WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(runId, rs.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw Sql.failure("loading run '" + runId + "'", table, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database could not be reached or refused the row
   */
  @Override
  public void save(RunState state) {
    Objects.requireNonNull(state, "state");
    String json = write(state);
    String sql = state.version() == 1
        ? "INSERT INTO " + table + " (run_id, agent, version, status, state, started_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (run_id) DO NOTHING"
        : "UPDATE " + table + " SET agent = ?, version = ?, status = ?, state = ?::jsonb, started_at = ?,"
            + " updated_at = ? WHERE run_id = ? AND version = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (state.version() == 1) {
        ps.setString(i++, state.runId());
      }
      ps.setString(i++, state.agent());
      ps.setLong(i++, state.version());
      ps.setString(i++, state.status().name());
      ps.setString(i++, json);
      ps.setTimestamp(i++, Timestamp.from(state.startedAt()));
      ps.setTimestamp(i++, Timestamp.from(state.updatedAt()));
      if (state.version() > 1) {
        ps.setString(i++, state.runId());
        ps.setLong(i, state.version() - 1);
      }
      if (ps.executeUpdate() == 1) {
        return;
      }
    } catch (SQLException e) {
      throw Sql.failure("saving checkpoint " + state.version() + " of run '" + state.runId() + "'", table, e);
    }
    throw new RunConflictException(state.runId(), state.version() - 1, storedVersion(state.runId()));
  }

  private long storedVersion(String runId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT version FROM " + table + " WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw Sql.failure("reading the version of run '" + runId + "'", table, e);
    }
  }

  // ---- JSON form of a RunState ----

  private String write(RunState s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("runId", s.runId());
    o.put("agent", s.agent());
    o.put("version", s.version());
    o.put("status", s.status().name());
    Limit limit = s.limit();
    o.put("limit", limit == null ? null : limit.name());
    o.put("error", s.error());
    ArrayNode messages = o.putArray("messages");
    for (Message m : s.messages()) {
      ObjectNode n = messages.addObject().put("role", m.role().name()).put("content", m.content());
      if (m.toolCallId() != null) {
        n.put("toolCallId", m.toolCallId());
      }
      if (m.toolError()) {
        n.put("toolError", true);
      }
      if (!m.toolCalls().isEmpty()) {
        ArrayNode calls = n.putArray("toolCalls");
        m.toolCalls().forEach(t -> calls.addObject().put("id", t.id()).put("name", t.name())
            .put("arguments", t.argumentsJson()));
      }
    }
    ArrayNode pending = o.putArray("pending");
    s.pending().forEach(p -> pending.addObject().put("toolCallId", p.toolCallId()).put("toolName", p.toolName())
        .put("arguments", p.argumentsJson()).put("state", p.state().name()));
    ArrayNode steps = o.putArray("steps");
    s.steps().forEach(st -> steps.addObject().put("number", st.number()).put("kind", st.kind().name())
        .put("name", st.name()).put("id", st.id()).put("inputTokens", st.inputTokens())
        .put("outputTokens", st.outputTokens()).put("cost", st.cost().amount().toPlainString())
        .put("durationMillis", st.durationMillis()).put("outcome", st.outcome()));
    ObjectNode tools = o.putObject("toolCallsByTool");
    s.toolCallsByTool().forEach(tools::put);
    o.put("invalidArguments", s.invalidArguments());
    o.put("inputTokens", s.inputTokens());
    o.put("outputTokens", s.outputTokens());
    o.put("cost", s.cost().amount().toPlainString());
    o.put("activeMillis", s.activeMillis());
    o.put("startedAt", s.startedAt().toString());
    o.put("updatedAt", s.updatedAt().toString());
    return o.toString();
  }

  private RunState read(String runId, String json) {
    try {
      JsonNode o = JSON.readTree(json);
      List<Message> messages = new ArrayList<>();
      for (JsonNode m : o.path("messages")) {
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode t : m.path("toolCalls")) {
          calls.add(new ToolCall(text(t, "id"), text(t, "name"), text(t, "arguments")));
        }
        JsonNode id = m.get("toolCallId");
        messages.add(new Message(Role.valueOf(text(m, "role")), text(m, "content"), calls,
            id == null || id.isNull() ? null : id.asText(), m.path("toolError").asBoolean(false)));
      }
      List<ToolExecution> pending = new ArrayList<>();
      for (JsonNode p : o.path("pending")) {
        pending.add(new ToolExecution(text(p, "toolCallId"), text(p, "toolName"), text(p, "arguments"),
            ToolExecution.State.valueOf(text(p, "state"))));
      }
      List<StepRecord> steps = new ArrayList<>();
      for (JsonNode st : o.path("steps")) {
        steps.add(new StepRecord(st.path("number").asInt(), StepRecord.Kind.valueOf(text(st, "kind")), text(st, "name"),
            text(st, "id"), st.path("inputTokens").asLong(), st.path("outputTokens").asLong(),
            Money.usd(text(st, "cost")), st.path("durationMillis").asLong(), text(st, "outcome")));
      }
      Map<String, Integer> tools = new LinkedHashMap<>();
      o.path("toolCallsByTool").properties().forEach(e -> tools.put(e.getKey(), e.getValue().asInt()));
      JsonNode limit = o.get("limit");
      return new RunState(text(o, "runId"), text(o, "agent"), o.path("version").asLong(),
          RunStatus.valueOf(text(o, "status")), limit == null || limit.isNull() ? null : Limit.valueOf(limit.asText()),
          text(o, "error"), messages, pending, steps, tools, o.path("invalidArguments").asInt(),
          o.path("inputTokens").asLong(), o.path("outputTokens").asLong(), Money.usd(text(o, "cost")),
          o.path("activeMillis").asLong(), Instant.parse(text(o, "startedAt")), Instant.parse(text(o, "updatedAt")));
    } catch (JsonProcessingException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
      throw new JdbcStoreException("the stored state of run '" + runId + "' in " + table + " does not read back: "
          + e.getMessage(), table, e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("field '" + field + "' is missing");
    }
    return v.asText();
  }
}
