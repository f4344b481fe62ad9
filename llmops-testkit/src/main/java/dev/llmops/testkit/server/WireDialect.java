package dev.llmops.testkit.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.FinishReason;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a fake server says in one provider's API: its route, its error bodies, requests read back
 * into {@link ChatRequest}s, and answers as JSON or SSE events. Everything HTTP (queue, faults,
 * streaming, recording) is {@link FakeHttpServer}'s. Implementations are stateless.
 */
interface WireDialect {
  /** The provider's name in messages and thread names, such as {@code openai}. */
  String name();

  /** The one route answered from the model, such as {@code /v1/chat/completions}. */
  String path();

  /** An error body of this API. */
  String errorBody(int status, String message, String type, @Nullable String code);

  /** The error body for a request to another route. */
  String notFound(String message);

  /** The error body for a request this API would reject. */
  String badRequest(String message);

  /** The error body for a failure of the fake model: HTTP {@code status} and the error's code, if any. */
  String modelFailure(int status, @Nullable String errorCode);

  /**
   * Reads a request body into a request for the fake model.
   *
   * @throws IllegalArgumentException naming the field that is missing or invalid
   */
  ChatRequest toChatRequest(JsonNode body);

  /** An estimate of the request's input tokens, for scripted replies without usage. */
  long inputTokens(JsonNode body);

  /** This API's raw finish reason for {@code reason}. */
  String finishReason(FinishReason reason);

  /** Starts writing the answer to one request. */
  Answer answer(JsonNode body, long number, Instant now);

  /**
   * The pieces of one answer. Stream events are returned framed ({@code data: ...} and the blank
   * line), ready to write. Not thread-safe; one per request.
   */
  interface Answer {
    /** The whole answer as one JSON body; {@code finishReason} in this API's words or the OpenAI ones. */
    String whole(String text, String finishReason, Usage usage, List<ToolCall> toolCalls);

    /** The events before the first text, {@code usage} the input side known so far. */
    List<String> open(Usage usage);

    /** One text event. */
    String text(String delta);

    /** The events after the last text: tool calls, the finish, usage, the end marker. */
    List<String> close(String finishReason, Usage usage, List<ToolCall> toolCalls);

    /** An event whose JSON is cut off. */
    String malformed();
  }
}
