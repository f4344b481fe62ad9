package dev.llmops.agent;

/** The limit of {@link RunLimits} that ended a run. */
public enum Limit {
  /** {@link RunLimits#maxSteps()}: model calls and tool executions together. */
  STEPS,
  /** {@link RunLimits#maxToolCalls()}. */
  TOOL_CALLS,
  /** A tool's entry in {@link RunLimits#maxToolCallsPerTool()}. */
  TOOL_CALLS_PER_TOOL,
  /** {@link RunLimits#maxTokens()}. */
  TOKENS,
  /** {@link RunLimits#maxCost()}. */
  COST,
  /** {@link RunLimits#maxDuration()}. */
  DURATION
}
