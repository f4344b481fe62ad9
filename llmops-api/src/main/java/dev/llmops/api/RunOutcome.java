package dev.llmops.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where an agent run stands when one carrying-on of it ends, with its totals so far. Immutable and
 * thread-safe.
 *
 * @param status the run's status ({@code COMPLETED}, {@code LIMIT_REACHED}, {@code FAILED}, {@code
 *     AWAITING_APPROVAL}, {@code AWAITING_DECISION}, or {@code RUNNING} when the run stopped because
 *     its checkpoint could not be stored)
 * @param limit the limit that ended it ({@code STEPS}, {@code COST}, ...), or null
 * @param steps steps taken in all
 * @param toolCalls tool executions in all
 * @param inputTokens input tokens over the run's model calls
 * @param outputTokens output tokens over the run's model calls
 * @param cost what the run's model calls cost
 * @param failure what stopped it, or null
 */
public record RunOutcome(
    String status, @Nullable String limit, int steps, int toolCalls, long inputTokens, long outputTokens, Money cost,
    @Nullable Throwable failure) {
  /** Checks the components. */
  public RunOutcome {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(cost, "cost");
  }
}
