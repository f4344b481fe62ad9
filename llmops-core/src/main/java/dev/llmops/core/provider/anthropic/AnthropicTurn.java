package dev.llmops.core.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import dev.llmops.core.provider.internal.Json;
import dev.llmops.core.provider.internal.UsageEstimate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one Message (or the events of one stream so far) said: text, tool uses, stop reason and
 * usage. Not thread-safe: one per attempt, fed in order.
 */
final class AnthropicTurn {
  private String id = "";
  private String model;
  private final StringBuilder text = new StringBuilder();
  private final Map<Integer, PendingToolUse> toolUses = new LinkedHashMap<>();
  private @Nullable String stopReason;
  private final AnthropicWire.UsageCounts usage = new AnthropicWire.UsageCounts();

  AnthropicTurn(String configuredModel) {
    this.model = configuredModel;
  }

  /** Takes the id, model and usage of a Message object (a whole answer or {@code message_start}). */
  void message(JsonNode message) {
    String i = Json.text(message.get("id"));
    if (i != null) {
      id = i;
    }
    String m = Json.text(message.get("model"));
    if (m != null && !m.isEmpty()) {
      model = m;
    }
    stopReason(Json.text(message.get("stop_reason")));
    usage.merge(message.get("usage"));
  }

  /** Adds a content block: text, or a tool use whose input is complete ({@code input}) or streamed. */
  void block(int index, JsonNode block) {
    String type = Json.text(block.get("type"));
    if ("text".equals(type)) {
      String t = Json.text(block.get("text"));
      if (t != null) {
        text.append(t);
      }
    } else if ("tool_use".equals(type)) {
      PendingToolUse use = new PendingToolUse(
          String.valueOf(Json.text(block.get("id"))), String.valueOf(Json.text(block.get("name"))));
      JsonNode input = block.get("input");
      if (input != null && !(input.isObject() && input.isEmpty())) {
        use.input.append(input.toString());
      }
      toolUses.put(index, use);
    }
  }

  void appendText(String delta) {
    text.append(delta);
  }

  void appendToolInput(int index, String partialJson) {
    PendingToolUse use = toolUses.get(index);
    if (use != null) {
      use.input.append(partialJson);
    }
  }

  void stopReason(@Nullable String reason) {
    if (reason != null) {
      stopReason = reason;
    }
  }

  void mergeUsage(@Nullable JsonNode node) {
    usage.merge(node);
  }

  @Nullable String stopReason() {
    return stopReason;
  }

  String text() {
    return text.toString();
  }

  /** The usage reported so far, or null when none was. */
  @Nullable Usage usageSoFar() {
    return usage.reported() ? usage.toUsage() : null;
  }

  ChatResponse response(ChatRequest request, Map<String, String> headerMetadata) {
    Map<String, String> metadata = new LinkedHashMap<>(headerMetadata);
    String raw = stopReason;
    if (raw != null) {
      metadata.put("finish_reason.raw", raw);
    }
    List<ToolCall> calls = new ArrayList<>(toolUses.size());
    for (PendingToolUse use : toolUses.values()) {
      calls.add(new ToolCall(use.id, use.name, use.input.length() == 0 ? "{}" : use.input.toString()));
    }
    String out = text.toString();
    Usage u = usageSoFar();
    return new ChatResponse(
        id, model, out, raw == null ? FinishReason.OTHER : AnthropicWire.mapStopReason(raw),
        u != null ? u : UsageEstimate.of(request, out), calls, metadata);
  }

  private static final class PendingToolUse {
    final String id;
    final String name;
    final StringBuilder input = new StringBuilder();

    PendingToolUse(String id, String name) {
      this.id = id;
      this.name = name;
    }
  }
}
