package dev.llmops.core.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a Chat Completions SSE stream: one {@code chat.completion.chunk} per event, the final
 * usage chunk ({@code choices: []}), then {@code [DONE]}. Emits a chunk for each text delta, the
 * finish reason and the usage. A stream without {@code [DONE]} or a finish reason, with malformed
 * JSON, or with an error object is a {@link StreamInterruptedException} carrying the partial text
 * and the usage so far. Not thread-safe: one per stream.
 */
final class OpenAiStreamDecoder implements StreamDecoder {
  private final String provider;
  private final String model;
  private final ChatRequest request;
  private final ModelExchange exchange;
  private final Map<String, String> headerMetadata;
  private final OpenAiTurn turn;
  private int emitted;
  private int events;
  private boolean done;

  OpenAiStreamDecoder(
      String provider, String model, ChatRequest request, ModelExchange exchange,
      Map<String, String> headerMetadata) {
    this.provider = provider;
    this.model = model;
    this.request = request;
    this.exchange = exchange;
    this.headerMetadata = headerMetadata;
    this.turn = new OpenAiTurn(model);
  }

  @Override
  public void onEvent(@Nullable String event, String data) {
    if (done) {
      return;
    }
    if (data.equals("[DONE]")) {
      done = true;
      return;
    }
    events++;
    turn.beginChunk();
    try (JsonParser p = Json.FACTORY.createParser(data)) {
      OpenAiWire.read(p, turn);
    } catch (JsonProcessingException e) {
      throw interrupted("malformed JSON in stream event " + events + " at column "
          + e.getLocation().getColumnNr(), "malformed_json", null);
    } catch (IOException e) {
      throw interrupted("stream event " + events + " is not a JSON object", "malformed_json", null);
    }
    String problem = turn.problem();
    if (problem != null) {
      throw interrupted("stream event " + events + ": " + problem, "malformed_usage", null);
    }
    String errorType = turn.errorType();
    if (errorType != null) {
      ErrorBody error = new ErrorBody(turn.errorCode(), errorType);
      LlmException cause = ProviderErrors.fromStreamError(provider, model, error);
      throw interrupted("error object in stream: " + error.mostSpecific(), error.mostSpecific(), cause);
    }
    if (!turn.chunkText().isEmpty() || turn.chunkFinish() || turn.chunkUsage()) {
      exchange.emit(new ChatChunk(
          emitted++, turn.chunkText(),
          turn.chunkFinish() ? turn.finishReason() : null,
          turn.chunkUsage() ? turn.usage() : null));
    }
  }

  /** How many chunks were emitted so far. */
  int emitted() {
    return emitted;
  }

  @Override
  public boolean complete() {
    return done;
  }

  @Override
  public ChatResponse finish() {
    if (!done) {
      throw interrupted("the stream ended without [DONE]", "stream_incomplete", null);
    }
    if (turn.finishRaw() == null) {
      throw interrupted("the stream ended without a finish_reason", "stream_incomplete", null);
    }
    return turn.response(request, headerMetadata);
  }

  @Override
  public StreamInterruptedException interrupted(String reason, String errorCode, @Nullable Throwable cause) {
    return StreamFailures.interrupted(
        provider, model, reason, errorCode, turn.text(), turn.usage(), emitted, cause);
  }

}
