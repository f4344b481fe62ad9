package dev.llmops.agent;

import dev.llmops.api.Money;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a run stands after {@link Agent#run}, {@link Agent#resume}, {@link Agent#approve} or {@link
 * Agent#decide} returned: finished (completed, limited, failed) or paused (awaiting an approval or
 * a decision), with everything done so far. Immutable and thread-safe.
 *
 * @param state the run's last checkpoint
 * @param failure what failed a {@link RunStatus#FAILED} run in this process, or null (a run loaded
 *     from the store keeps only {@link RunState#error()})
 */
public record RunResult(RunState state, @Nullable Throwable failure) {

  /** Checks the components. */
  public RunResult {
    Objects.requireNonNull(state, "state");
  }

  /** The run's id. */
  public String runId() {
    return state.runId();
  }

  /** Where the run stands. */
  public RunStatus status() {
    return state.status();
  }

  /** The limit that ended the run, or null. */
  public @Nullable Limit limit() {
    return state.limit();
  }

  /** The model's final answer for a completed run; the last assistant text otherwise (may be empty). */
  public String text() {
    for (int i = state.messages().size() - 1; i >= 0; i--) {
      var m = state.messages().get(i);
      if (m.role() == dev.llmops.api.Role.ASSISTANT) {
        return m.content();
      }
    }
    return "";
  }

  /** The steps taken. */
  public List<StepRecord> steps() {
    return state.steps();
  }

  /** What the run's model calls cost. */
  public Money cost() {
    return state.cost();
  }

  /** The tool call waiting for an approval or a decision, or null. */
  public @Nullable ToolExecution waiting() {
    if (state.status() == RunStatus.AWAITING_APPROVAL || state.status() == RunStatus.AWAITING_DECISION) {
      return state.pending().isEmpty() ? null : state.pending().get(0);
    }
    return null;
  }
}
