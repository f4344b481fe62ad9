package dev.llmops.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one model attempt answered. For a stream this is the aggregate of all chunks. Immutable and
 * thread-safe.
 *
 * @param id the provider's response id ({@code chatcmpl-...}, {@code msg_...}), or empty
 * @param model the provider model that answered (for example {@code gpt-4o-2024-08-06})
 * @param text the output text
 * @param finishReason why the model stopped
 * @param usage token usage, see {@link Usage} for the counting rules
 * @param toolCalls tool calls the model asked for; empty when none
 * @param metadata provider details: the raw finish reason ({@code finish_reason.raw}) and
 *     rate-limit headers ({@code ratelimit.*}), for example
 */
public record ChatResponse(
    String id,
    String model,
    String text,
    FinishReason finishReason,
    Usage usage,
    List<ToolCall> toolCalls,
    Map<String, String> metadata) {

  /** The {@link #metadata()} key of OpenAI's {@code system_fingerprint} (the backend configuration that answered). */
  public static final String SYSTEM_FINGERPRINT = "system_fingerprint";

  /** Checks the components and copies the collections. */
  public ChatResponse {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
    toolCalls = List.copyOf(toolCalls);
    metadata = Map.copyOf(metadata);
  }

  /** A text response with no tool calls and no metadata. */
  public static ChatResponse of(
      String id, String model, String text, FinishReason finishReason, Usage usage) {
    return new ChatResponse(id, model, text, finishReason, usage, List.of(), Map.of());
  }

  /** This response with other usage. */
  public ChatResponse withUsage(Usage usage) {
    return new ChatResponse(id, model, text, finishReason, usage, toolCalls, metadata);
  }
}
