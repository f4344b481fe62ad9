package dev.llmops.core.provider.openai;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import dev.llmops.core.provider.internal.UsageEstimate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one completion (or the chunks of one stream so far) said: text, tool calls, finish reason,
 * usage, ids. Also remembers what the latest chunk added, so a stream can emit it. Not
 * thread-safe: one per attempt, fed in order.
 */
final class OpenAiTurn {
  private String id = "";
  private String model;
  private final StringBuilder text = new StringBuilder();
  private @Nullable StringBuilder refusal;
  private @Nullable String finishRaw;
  private @Nullable Usage usage;
  private @Nullable String problem;
  private @Nullable String systemFingerprint;
  private final List<PendingToolCall> toolCalls = new ArrayList<>(0);
  private @Nullable String errorType;
  private String errorCode = "";

  private String chunkText = "";
  private boolean chunkFinish;
  private boolean chunkUsage;

  OpenAiTurn(String configuredModel) {
    this.model = configuredModel;
  }

  /** Forgets what the previous chunk added. */
  void beginChunk() {
    chunkText = "";
    chunkFinish = false;
    chunkUsage = false;
  }

  void id(@Nullable String id) {
    if (id != null) {
      this.id = id;
    }
  }

  void model(@Nullable String model) {
    if (model != null && !model.isEmpty()) {
      this.model = model;
    }
  }

  void systemFingerprint(@Nullable String fingerprint) {
    this.systemFingerprint = fingerprint;
  }

  void appendText(String delta) {
    text.append(delta);
    chunkText = chunkText.isEmpty() ? delta : chunkText + delta;
  }

  void appendRefusal(String delta) {
    StringBuilder r = refusal;
    if (r == null) {
      r = new StringBuilder();
      refusal = r;
    }
    r.append(delta);
  }

  void finishReason(String raw) {
    finishRaw = raw;
    chunkFinish = true;
  }

  void toolCallDelta(int index, @Nullable String id, @Nullable String name, @Nullable String arguments) {
    if (index < 0 || index > 1024) {
      problem = "choices[0].tool_calls[].index " + index + " is out of range";
      return;
    }
    while (toolCalls.size() <= index) {
      toolCalls.add(new PendingToolCall());
    }
    PendingToolCall call = toolCalls.get(index);
    if (id != null) {
      call.id = id;
    }
    if (name != null) {
      call.name = call.name == null ? name : call.name + name;
    }
    if (arguments != null) {
      call.arguments.append(arguments);
    }
  }

  /** Records usage; counts are -1 when absent. An inconsistent usage is recorded as a problem. */
  void usage(long prompt, long completion, long cached, long cacheWrite, long reasoning) {
    if (prompt < 0 || completion < 0) {
      problem = "usage.prompt_tokens and usage.completion_tokens must be non-negative integers";
      return;
    }
    long c = Math.max(0, cached);
    long w = Math.max(0, cacheWrite);
    long r = Math.max(0, reasoning);
    if (c + w > prompt) {
      problem = "usage.prompt_tokens_details.cached_tokens (" + c + ") + cache_write_tokens (" + w
          + ") exceed usage.prompt_tokens (" + prompt + ")";
      return;
    }
    if (r > completion) {
      problem = "usage.completion_tokens_details.reasoning_tokens (" + r
          + ") exceed usage.completion_tokens (" + completion + ")";
      return;
    }
    usage = new Usage(prompt, completion, c, w, r, false);
    chunkUsage = true;
  }

  void error(String type, String code) {
    errorType = type;
    errorCode = code;
  }

  /** The error type of an error object in the answer, or null when there was none. */
  @Nullable String errorType() {
    return errorType;
  }

  String errorCode() {
    return errorCode;
  }

  /** A field problem found while reading (naming the field), or null. */
  @Nullable String problem() {
    return problem;
  }

  String text() {
    return text.toString();
  }

  String chunkText() {
    return chunkText;
  }

  boolean chunkFinish() {
    return chunkFinish;
  }

  boolean chunkUsage() {
    return chunkUsage;
  }

  @Nullable String finishRaw() {
    return finishRaw;
  }

  @Nullable Usage usage() {
    return usage;
  }

  @Nullable FinishReason finishReason() {
    return finishRaw == null ? null : mapFinishReason(finishRaw);
  }

  static FinishReason mapFinishReason(String raw) {
    return switch (raw) {
      case "stop" -> FinishReason.STOP;
      case "length" -> FinishReason.LENGTH;
      case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
      case "content_filter" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.OTHER;
    };
  }

  /**
   * The response: usage as reported, or estimated (and marked so) when the server reported none.
   *
   * @param headerMetadata metadata read from the response headers
   */
  ChatResponse response(ChatRequest request, Map<String, String> headerMetadata) {
    Map<String, String> metadata = new LinkedHashMap<>(headerMetadata);
    String raw = finishRaw;
    if (raw != null) {
      metadata.put("finish_reason.raw", raw);
    }
    if (systemFingerprint != null) {
      metadata.put(ChatResponse.SYSTEM_FINGERPRINT, systemFingerprint);
    }
    StringBuilder r = refusal;
    if (r != null) {
      metadata.put("refusal", r.toString());
    }
    List<ToolCall> calls = new ArrayList<>(toolCalls.size());
    for (PendingToolCall call : toolCalls) {
      calls.add(new ToolCall(
          call.id == null ? "" : call.id,
          call.name == null ? "" : call.name,
          call.arguments.toString()));
    }
    Usage u = usage;
    String out = text.toString();
    FinishReason reason = finishReason();
    return new ChatResponse(
        id, model, out, reason == null ? FinishReason.OTHER : reason,
        u != null ? u : UsageEstimate.of(request, out), calls, metadata);
  }

  private static final class PendingToolCall {
    @Nullable String id;
    @Nullable String name;
    final StringBuilder arguments = new StringBuilder();
  }
}
