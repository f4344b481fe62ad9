package dev.llmops.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Objects;

/**
 * One execution of a tool: the arguments the model produced (already validated against the tool's
 * schema) and an idempotency key that stays the same when this execution is retried or re-run
 * after a crash, so a tool with side effects can recognise a repeat. The arguments were parsed
 * once, for the schema check; {@link #arguments(Class)} binds that tree without parsing the text
 * again. Immutable and thread-safe.
 */
public final class ToolInvocation {
  private final String runId;
  private final String toolCallId;
  private final String toolName;
  private final String argumentsJson;
  private final JsonNode tree;
  private final int attempt;

  ToolInvocation(String runId, String toolCallId, String toolName, String argumentsJson, JsonNode tree, int attempt) {
    this.runId = Objects.requireNonNull(runId, "runId");
    this.toolCallId = Objects.requireNonNull(toolCallId, "toolCallId");
    this.toolName = Objects.requireNonNull(toolName, "toolName");
    this.argumentsJson = Objects.requireNonNull(argumentsJson, "argumentsJson");
    this.tree = Objects.requireNonNull(tree, "tree");
    this.attempt = attempt;
  }

  /** The run. */
  public String runId() {
    return runId;
  }

  /** The model's id for this tool call. */
  public String toolCallId() {
    return toolCallId;
  }

  /** The tool. */
  public String toolName() {
    return toolName;
  }

  /** The arguments as the model wrote them, a JSON object. */
  public String argumentsJson() {
    return argumentsJson;
  }

  /** {@code runId + "/" + toolCallId}: one per execution, the same for every attempt and re-run. */
  public String idempotencyKey() {
    return runId + "/" + toolCallId;
  }

  /** The attempt number, from 1. */
  public int attempt() {
    return attempt;
  }

  /** The arguments as a JSON tree (a copy: the tool may change it). */
  public JsonNode arguments() {
    return tree.deepCopy();
  }

  /**
   * The arguments bound to {@code type} (a record, say) with Jackson.
   *
   * @throws IllegalArgumentException if they do not bind
   */
  public <T> T arguments(Class<T> type) {
    return bind(Schemas.MAPPER.readerFor(type), type);
  }

  /** The arguments bound with a reader made once for the tool's argument type. */
  <T> T bind(ObjectReader reader, Class<T> type) {
    try {
      return reader.readValue(tree);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException(
          "tool '" + toolName + "': the arguments do not bind to " + type.getSimpleName() + ": " + why, e);
    }
  }

  @Override
  public String toString() {
    return "ToolInvocation[" + toolName + ", " + toolCallId + ", attempt " + attempt + "]";
  }
}
