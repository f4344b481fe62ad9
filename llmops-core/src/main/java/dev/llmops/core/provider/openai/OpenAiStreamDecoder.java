package dev.llmops.core.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
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
 * Decodes a Chat Completions SSE stream: one {@code chat.completion.chunk} per event, the final
 * usage chunk ({@code choices: []}), then {@code [DONE]}. Emits a chunk for each text delta, the
 * finish reason and the usage. A stream without {@code [DONE]} or a finish reason, with malformed
 * JSON, or with an error object is a {@link StreamInterruptedException} carrying the partial text
 * and the usage so far. Not thread-safe: one per stream.
 */
final class OpenAiStreamDecoder extends StreamDecoder {
  private final OpenAiTurn turn;

  OpenAiStreamDecoder(
      String provider, String model, ChatRequest request, ModelExchange exchange,
      Map<String, String> headerMetadata) {
    super(provider, model, request, exchange, headerMetadata, "[DONE]");
    this.turn = new OpenAiTurn(model);
  }

  @Override
  protected void decode(@Nullable String event, String data) {
    if (data.equals("[DONE]")) {
      end();
      return;
    }
    turn.beginChunk();
    try (JsonParser p = Json.FACTORY.createParser(data)) {
      OpenAiWire.read(p, turn);
    } catch (IOException e) {
      throw malformedJson(e);
    }
    String problem = turn.problem();
    if (problem != null) {
      throw interrupted("stream event " + events() + ": " + problem, "malformed_usage", null);
    }
    String errorType = turn.errorType();
    if (errorType != null) {
      throw errorInStream(new ErrorBody(turn.errorCode(), errorType));
    }
    if (!turn.chunkText().isEmpty() || turn.chunkFinish() || turn.chunkUsage()) {
      emit(turn.chunkText(), turn.chunkFinish() ? turn.finishReason() : null, turn.chunkUsage() ? turn.usage() : null);
    }
  }

  @Override
  protected ChatResponse response() {
    if (turn.finishRaw() == null) {
      throw interrupted("the stream ended without a finish_reason", "stream_incomplete", null);
    }
    return turn.response(request, headerMetadata);
  }

  @Override
  protected String partialText() {
    return turn.text();
  }

  @Override
  protected @Nullable Usage usageSoFar() {
    return turn.usage();
  }
}
