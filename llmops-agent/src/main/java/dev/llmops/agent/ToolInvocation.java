package dev.llmops.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One execution of a tool: the arguments the model produced (already validated against the tool's
 * schema) and an idempotency key that stays the same when this execution is retried or re-run
 * after a crash, so a tool with side effects can recognise a repeat. Immutable and thread-safe.
 *
 * @param runId the run
 * @param toolCallId the model's id for this tool call
 * @param toolName the tool
 * @param argumentsJson the arguments, a JSON object
 * @param idempotencyKey {@code runId + "/" + toolCallId}: one per execution, not per attempt
 * @param attempt the attempt number, from 1
 */
public record ToolInvocation(
    String runId, String toolCallId, String toolName, String argumentsJson, String idempotencyKey, int attempt) {

  /** Checks the components. */
  public ToolInvocation {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(toolCallId, "toolCallId");
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(argumentsJson, "argumentsJson");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
  }

  /** The arguments as a JSON tree. */
  public JsonNode arguments() {
    try {
      return Schemas.MAPPER.readTree(argumentsJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("tool '" + toolName + "': the arguments are not JSON", e);
    }
  }

  /**
   * The arguments bound to {@code type} (a record, say) with Jackson.
   *
   * @throws IllegalArgumentException if they do not bind
   */
  public <T> T arguments(Class<T> type) {
    try {
      return Schemas.MAPPER.readValue(argumentsJson, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "tool '" + toolName + "': the arguments do not bind to " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }
}
