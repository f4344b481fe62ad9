package dev.llmops.testkit.server;

import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One answer a {@link FakeOpenAiServer} gives to the next request, with optional faults. Immutable
 * and thread-safe; the {@code with...} methods return changed copies.
 *
 * <ul>
 *   <li>{@link #reply(String)}: a complete Chat Completions answer, sent as one JSON object or, if
 *       the request asked for a stream, as SSE chunks (one per word), a finish chunk, the usage
 *       chunk when {@code stream_options.include_usage} was asked for, and {@code [DONE]}.
 *   <li>{@link #error(int, String, String)}: an HTTP error with an OpenAI {@code ErrorResponse}
 *       body; add {@code retry-after} and rate-limit headers with {@link #withHeader}.
 *   <li>{@link #raw(int, String, String)}: any status, content type and body, sent as given
 *       (malformed JSON, a recorded SSE body).
 * </ul>
 */
public final class ScriptedResponse {
  enum Kind { REPLY, RAW }

  private final Kind kind;
  private final int status;
  private final String contentType;
  private final String body;
  private final String finishReason;
  private final @Nullable Usage usage;
  private final List<ToolCall> toolCalls;
  private final Map<String, String> headers;
  private final Duration delay;
  private final int cutAfterEvents;
  private final int malformedAfterEvents;

  private ScriptedResponse(
      Kind kind, int status, String contentType, String body, String finishReason,
      @Nullable Usage usage, List<ToolCall> toolCalls, Map<String, String> headers,
      Duration delay, int cutAfterEvents, int malformedAfterEvents) {
    this.kind = kind;
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.finishReason = finishReason;
    this.usage = usage;
    this.toolCalls = List.copyOf(toolCalls);
    this.headers = Map.copyOf(headers);
    this.delay = delay;
    this.cutAfterEvents = cutAfterEvents;
    this.malformedAfterEvents = malformedAfterEvents;
  }

  /** A complete answer with {@code text}, finish reason {@code stop} and usage counted from the text. */
  public static ScriptedResponse reply(String text) {
    return new ScriptedResponse(Kind.REPLY, 200, "application/json", Objects.requireNonNull(text, "text"),
        "stop", null, List.of(), Map.of(), Duration.ZERO, -1, -1);
  }

  /**
   * An HTTP error with an OpenAI {@code ErrorResponse} body {@code {"error":{"message","type",
   * "param":null,"code"}}}.
   *
   * @param status the HTTP status, 400 to 599
   * @param type the error type, such as {@code requests} or {@code insufficient_quota}
   * @param code the error code, such as {@code rate_limit_exceeded}; or null for a JSON null
   */
  public static ScriptedResponse error(int status, String type, @Nullable String code) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is 400..599 but was " + status);
    }
    String body = OpenAiJson.errorBody("fake server error " + status, Objects.requireNonNull(type, "type"), code);
    return raw(status, "application/json", body);
  }

  /** Any status, content type and body, sent as given. */
  public static ScriptedResponse raw(int status, String contentType, String body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599 but was " + status);
    }
    return new ScriptedResponse(Kind.RAW, status, Objects.requireNonNull(contentType, "contentType"),
        Objects.requireNonNull(body, "body"), "stop", null, List.of(), Map.of(), Duration.ZERO, -1, -1);
  }

  /** This response with a header added. */
  public ScriptedResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new ScriptedResponse(kind, status, contentType, body, finishReason, usage, toolCalls, h, delay,
        cutAfterEvents, malformedAfterEvents);
  }

  /** This reply with the raw finish reason {@code reason} ({@code length}, {@code content_filter}, ...). */
  public ScriptedResponse withFinishReason(String reason) {
    return new ScriptedResponse(kind, status, contentType, body, Objects.requireNonNull(reason, "reason"),
        usage, toolCalls, headers, delay, cutAfterEvents, malformedAfterEvents);
  }

  /** This reply reporting {@code usage} instead of counts from the text. */
  public ScriptedResponse withUsage(Usage usage) {
    return new ScriptedResponse(kind, status, contentType, body, finishReason,
        Objects.requireNonNull(usage, "usage"), toolCalls, headers, delay, cutAfterEvents, malformedAfterEvents);
  }

  /** This reply calling tools (finish reason {@code tool_calls}). */
  public ScriptedResponse withToolCalls(List<ToolCall> calls) {
    return new ScriptedResponse(kind, status, contentType, body, "tool_calls", usage, calls, headers, delay,
        cutAfterEvents, malformedAfterEvents);
  }

  /**
   * This response sent after {@code delay} on the server's scheduler (a {@link
   * dev.llmops.testkit.ManualScheduler} in tests: advance its clock to release it).
   */
  public ScriptedResponse after(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0 but was " + delay);
    }
    return new ScriptedResponse(kind, status, contentType, body, finishReason, usage, toolCalls, headers, delay,
        cutAfterEvents, malformedAfterEvents);
  }

  /** As a stream, this reply sends {@code events} SSE events, then ends the body without {@code [DONE]}. */
  public ScriptedResponse cutAfterEvents(int events) {
    if (events < 0) {
      throw new IllegalArgumentException("events must be >= 0 but was " + events);
    }
    return new ScriptedResponse(kind, status, contentType, body, finishReason, usage, toolCalls, headers, delay,
        events, malformedAfterEvents);
  }

  /** As a stream, this reply sends {@code events} SSE events, then one whose JSON is malformed. */
  public ScriptedResponse malformedAfterEvents(int events) {
    if (events < 0) {
      throw new IllegalArgumentException("events must be >= 0 but was " + events);
    }
    return new ScriptedResponse(kind, status, contentType, body, finishReason, usage, toolCalls, headers, delay,
        cutAfterEvents, events);
  }

  Kind kind() {
    return kind;
  }

  int status() {
    return status;
  }

  String contentType() {
    return contentType;
  }

  /** The reply text, or the raw body. */
  String body() {
    return body;
  }

  String finishReason() {
    return finishReason;
  }

  @Nullable Usage usage() {
    return usage;
  }

  List<ToolCall> toolCalls() {
    return toolCalls;
  }

  Map<String, String> headers() {
    return headers;
  }

  Duration delay() {
    return delay;
  }

  int cutAfterEvents() {
    return cutAfterEvents;
  }

  int malformedAfterEvents() {
    return malformedAfterEvents;
  }

  @Override
  public String toString() {
    return "ScriptedResponse[" + kind + " " + status + (delay.isZero() ? "" : " after " + delay) + "]";
  }
}
