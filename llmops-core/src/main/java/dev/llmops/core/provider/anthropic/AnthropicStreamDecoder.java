package dev.llmops.core.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.provider.internal.Json;
import dev.llmops.core.provider.internal.ProviderErrors.ErrorBody;
import dev.llmops.core.provider.internal.StreamDecoder;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a Messages SSE stream: {@code message_start} (id, model, input-side usage), {@code
 * content_block_start/delta/stop} (text and tool-use input), {@code message_delta} (stop reason,
 * cumulative usage), {@code message_stop}; {@code ping} is ignored. An {@code error} event, malformed
 * JSON, or an end without {@code message_stop} or a stop reason is a {@link
 * StreamInterruptedException} with the partial text and usage so far. Not thread-safe.
 */
final class AnthropicStreamDecoder extends StreamDecoder {
  private final AnthropicTurn turn;

  AnthropicStreamDecoder(
      String provider, String model, ChatRequest request, ModelExchange exchange,
      Map<String, String> headerMetadata) {
    super(provider, model, request, exchange, headerMetadata, "message_stop");
    this.turn = new AnthropicTurn(model);
  }

  @Override
  protected void decode(@Nullable String event, String data) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(data);
    } catch (IOException e) {
      throw malformedJson(e);
    }
    String type = Json.text(node.get("type"));
    if (type == null) {
      type = event == null ? "" : event;
    }
    switch (type) {
      case "message_start" -> {
        JsonNode message = node.get("message");
        if (message != null && message.isObject()) {
          turn.message(message);
        }
      }
      case "content_block_start" -> {
        JsonNode block = node.get("content_block");
        if (block != null && block.isObject()) {
          turn.block((int) Json.count(node.get("index")), block);
        }
      }
      case "content_block_delta" -> {
        delta((int) Json.count(node.get("index")), node.get("delta"));
      }
      case "message_delta" -> {
        JsonNode d = node.get("delta");
        String reason = d == null ? null : Json.text(d.get("stop_reason"));
        turn.stopReason(reason);
        turn.mergeUsage(node.get("usage"));
        emit("", reason == null ? null : AnthropicWire.mapStopReason(reason), turn.usageSoFar());
      }
      case "message_stop" -> {
        end();
      }
      case "error" -> {
        throw errorInStream(ErrorBody.of(node));
      }
      default -> {
        // ping, content_block_stop, and event types added later carry nothing to keep
      }
    }
  }

  private void delta(int index, @Nullable JsonNode delta) {
    if (delta == null) {
      return;
    }
    String type = Json.text(delta.get("type"));
    if ("text_delta".equals(type)) {
      String t = Json.text(delta.get("text"));
      if (t != null && !t.isEmpty()) {
        turn.appendText(t);
        emit(t, null, null);
      }
    } else if ("input_json_delta".equals(type)) {
      String partial = Json.text(delta.get("partial_json"));
      if (partial != null) {
        turn.appendToolInput(index, partial);
      }
    }
  }

  @Override
  protected ChatResponse response() {
    if (turn.stopReason() == null) {
      throw interrupted("the stream ended without a stop_reason", "stream_incomplete", null);
    }
    return turn.response(request, headerMetadata);
  }

  @Override
  protected String partialText() {
    return turn.text();
  }

  @Override
  protected @Nullable Usage usageSoFar() {
    return turn.usageSoFar();
  }
}
