package dev.llmops.api;

/** Why the model stopped, normalised across providers. */
public enum FinishReason {
  /** A natural end or a stop sequence (OpenAI "stop", Anthropic "end_turn"/"stop_sequence"). */
  STOP,
  /** The output token limit was reached (OpenAI "length", Anthropic "max_tokens"). */
  LENGTH,
  /** The model asked for tool calls (OpenAI "tool_calls"/"function_call", Anthropic "tool_use"). */
  TOOL_CALLS,
  /** The provider's content filter stopped the output (OpenAI "content_filter", Anthropic "refusal"). */
  CONTENT_FILTER,
  /** A reason this enum does not name; the raw value is in the response metadata. */
  OTHER
}
