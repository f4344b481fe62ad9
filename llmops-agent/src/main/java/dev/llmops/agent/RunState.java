package dev.llmops.agent;

import dev.llmops.api.Message;
import dev.llmops.api.Money;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A run's state as checkpointed after every step: the conversation, the tool calls still to
 * execute, the steps taken, counters and spend. A {@link RunStore} keeps it; a run resumes from it
 * on any replica. Immutable and thread-safe.
 *
 * @param runId the run's id
 * @param agent the agent's name
 * @param version the checkpoint number, from 1; a store accepts version {@code n} only over {@code
 *     n - 1} (or a new run at 1), so two replicas cannot both carry a run on
 * @param status where the run stands
 * @param limit the limit that ended the run, or null
 * @param error what ended a {@link RunStatus#FAILED} run (the exception type and message), or empty
 * @param messages the conversation so far, starting with the system prompt and the user's input
 * @param pending the tool calls of the last model answer without a recorded result, in order
 * @param steps the steps taken, in order
 * @param toolCallsByTool how many executions each tool had
 * @param invalidArguments how many tool calls had arguments that broke the tool's schema (or named
 *     no tool) and went back to the model as errors
 * @param inputTokens input tokens over the run's model calls
 * @param outputTokens output tokens over the run's model calls
 * @param cost what the run's model calls cost
 * @param activeMillis time spent taking steps, on the client's clock
 * @param startedAt when the run started
 * @param updatedAt when this checkpoint was taken
 */
public record RunState(
    String runId, String agent, long version, RunStatus status, @Nullable Limit limit, String error,
    List<Message> messages, List<ToolExecution> pending, List<StepRecord> steps,
    Map<String, Integer> toolCallsByTool, int invalidArguments, long inputTokens, long outputTokens, Money cost,
    long activeMillis, Instant startedAt, Instant updatedAt) {

  /** Checks the components and copies the collections. */
  public RunState {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(agent, "agent");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1 but was " + version);
    }
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(error, "error");
    messages = Appended.immutable(messages); // a run loop's snapshot is shared, not copied
    pending = Appended.immutable(pending);
    steps = Appended.immutable(steps);
    toolCallsByTool = Map.copyOf(toolCallsByTool);
    Objects.requireNonNull(cost, "cost");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** The number of tool executions so far. */
  public int toolCalls() {
    int n = 0;
    for (int c : toolCallsByTool.values()) {
      n += c;
    }
    return n;
  }

  /** The number of model calls so far. */
  public int modelCalls() {
    int n = 0;
    for (StepRecord s : steps) {
      if (s.kind() == StepRecord.Kind.MODEL) {
        n++;
      }
    }
    return n;
  }
}
