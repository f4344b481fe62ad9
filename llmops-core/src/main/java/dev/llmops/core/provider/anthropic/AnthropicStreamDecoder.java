package dev.llmops.core.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.LlmException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.provider.internal.Json;
import dev.llmops.core.provider.internal.ProviderErrors;
import dev.llmops.core.provider.internal.ProviderErrors.ErrorBody;
import dev.llmops.core.provider.internal.StreamDecoder;
import dev.llmops.core.provider.internal.StreamFailures;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a Messages SSE stream: {@code message_start} (id, model, input-side usage), {@code
 * content_block_start/delta/stop} (text and tool-use input), {@code message_delta} (stop reason,
 * cumulative usage), {@code message_stop}; {@code ping} is ignored. An {@code error} event, malformed
 * JSON, or an end without {@code message_stop} or a stop reason is a {@link
 * StreamInterruptedException} with the partial text and usage so far. Not thread-safe.
 */
final class AnthropicStreamDecoder implements StreamDecoder {
  private final String provider;
  private final String model;
  private final ChatRequest request;
  private final ModelExchange exchange;
  private final Map<String, String> headerMetadata;
  private final AnthropicTurn turn;
  private int emitted;
  private int events;
  private boolean done;

  AnthropicStreamDecoder(
      String provider, String model, ChatRequest request, ModelExchange exchange,
      Map<String, String> headerMetadata) {
    this.provider = provider;
    this.model = model;
    this.request = request;
    this.exchange = exchange;
    this.headerMetadata = headerMetadata;
    this.turn = new AnthropicTurn(model);
  }

  @Override
  public void onEvent(@Nullable String event, String data) {
    if (done) {
      return;
    }
    events++;
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(data);
    } catch (JsonProcessingException e) {
      throw interrupted("malformed JSON in stream event " + events + " at column "
          + e.getLocation().getColumnNr(), "malformed_json", null);
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
        exchange.emit(new ChatChunk(emitted++, "",
            reason == null ? null : AnthropicWire.mapStopReason(reason), turn.usageSoFar()));
      }
      case "message_stop" -> {
        done = true;
      }
      case "error" -> {
        ErrorBody error = ErrorBody.of(node);
        LlmException cause = ProviderErrors.fromStreamError(provider, model, error);
        throw interrupted("error event in stream: " + error.mostSpecific(), error.mostSpecific(), cause);
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
        exchange.emit(ChatChunk.text(emitted++, t));
      }
    } else if ("input_json_delta".equals(type)) {
      String partial = Json.text(delta.get("partial_json"));
      if (partial != null) {
        turn.appendToolInput(index, partial);
      }
    }
  }

  @Override
  public boolean complete() {
    return done;
  }

  @Override
  public ChatResponse finish() {
    if (!done) {
      throw interrupted("the stream ended without message_stop", "stream_incomplete", null);
    }
    if (turn.stopReason() == null) {
      throw interrupted("the stream ended without a stop_reason", "stream_incomplete", null);
    }
    return turn.response(request, headerMetadata);
  }

  @Override
  public StreamInterruptedException interrupted(String reason, String errorCode, @Nullable Throwable cause) {
    return StreamFailures.interrupted(
        provider, model, reason, errorCode, turn.text(), turn.usageSoFar(), emitted, cause);
  }

}
