package dev.llmops.agent;

/**
 * What a run's checkpoints keep of tool call arguments and tool results, in the conversation the
 * {@link RunStore} holds. The live run always gives the model the payloads as they are.
 */
public enum ToolPayloads {
  /**
   * Redacted with the agent's {@link Agent.Builder#redactor redactor} (the default): personal data
   * and secrets in tool arguments and results never reach the store. A run resumed from the store
   * (after a crash, an approval, a decision) goes on with the redacted conversation, so the model
   * reads the tags where the values were. The arguments of tool calls that have not run yet are
   * kept as they are until they ran, since the tool needs them after a resume or an approval.
   */
  REDACTED,
  /** As they are: a resumed run sees exactly what the live run saw. Keep the store where that may be kept. */
  RAW
}
