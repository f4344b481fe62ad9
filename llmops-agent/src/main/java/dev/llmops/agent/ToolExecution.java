package dev.llmops.agent;

import java.util.Objects;

/**
 * A tool call the model asked for that has no recorded result yet. Immutable and thread-safe.
 *
 * @param toolCallId the model's id for the call
 * @param toolName the tool
 * @param argumentsJson the arguments the model produced
 * @param state how far it got
 */
public record ToolExecution(String toolCallId, String toolName, String argumentsJson, State state) {

  /** How far a tool execution got. */
  public enum State {
    /** Not started. */
    PENDING,
    /** Waits for {@link Agent#approve}. */
    AWAITING_APPROVAL,
    /** Approved, not started. */
    APPROVED,
    /** Started; its result is not recorded yet. Found on resume, it was cut short by a crash. */
    STARTED
  }

  /** Checks the components. */
  public ToolExecution {
    Objects.requireNonNull(toolCallId, "toolCallId");
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(argumentsJson, "argumentsJson");
    Objects.requireNonNull(state, "state");
  }

  ToolExecution with(State next) {
    return new ToolExecution(toolCallId, toolName, argumentsJson, next);
  }
}
