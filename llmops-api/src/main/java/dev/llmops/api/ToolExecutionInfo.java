package dev.llmops.api;

import java.util.Objects;

/**
 * One tool execution of an agent run, as {@link CallListener}s see it. Immutable and thread-safe.
 *
 * @param runId the run
 * @param agentName the agent
 * @param toolName the tool
 * @param toolCallId the model's id for the call
 * @param description the tool's description
 * @param step the run's step number of this execution, from 1
 */
public record ToolExecutionInfo(
    String runId, String agentName, String toolName, String toolCallId, String description, int step) {
  /** Checks that no component is null. */
  public ToolExecutionInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(agentName, "agentName");
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(toolCallId, "toolCallId");
    Objects.requireNonNull(description, "description");
  }
}
