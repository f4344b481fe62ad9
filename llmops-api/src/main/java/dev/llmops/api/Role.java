package dev.llmops.api;

/** Who wrote a chat message. */
public enum Role {
  /** Instructions that frame the conversation (OpenAI "system"/"developer", Anthropic "system"). */
  SYSTEM,
  /** The end user. */
  USER,
  /** The model. */
  ASSISTANT,
  /** The result of a tool call, answering an assistant's {@link ToolCall}. */
  TOOL
}
