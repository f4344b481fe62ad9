package dev.llmops.agent;

import dev.llmops.api.Money;
import java.util.Objects;

/**
 * One step of a run, for its ledger: a model call or a tool execution. Immutable and thread-safe.
 *
 * @param number the step number, from 1
 * @param kind what the step was
 * @param name the model endpoint that answered, or the tool
 * @param id the llmops call id of a model call, or the tool call id
 * @param inputTokens input tokens of a model call; 0 for a tool
 * @param outputTokens output tokens of a model call; 0 for a tool
 * @param cost what a model call cost (zero when unknown or for a tool)
 * @param durationMillis how long the step took on the client's clock
 * @param outcome {@code ok}, {@code tool_calls} (a model call that asked for tools), {@code
 *     invalid_arguments}, {@code unknown_tool}, {@code error} or {@code timeout} (a tool whose
 *     every attempt failed), {@code decided} (a result given by a decision)
 */
public record StepRecord(
    int number, Kind kind, String name, String id, long inputTokens, long outputTokens, Money cost,
    long durationMillis, String outcome) {

  /** What a step was. */
  public enum Kind {
    /** A model call through the client. */
    MODEL,
    /** A tool execution. */
    TOOL
  }

  /** Checks the components. */
  public StepRecord {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(cost, "cost");
    Objects.requireNonNull(outcome, "outcome");
  }
}
