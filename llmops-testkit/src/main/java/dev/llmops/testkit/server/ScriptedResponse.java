package dev.llmops.testkit.server;

import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One answer a {@link FakeOpenAiServer} or {@link FakeAnthropicServer} gives to the next request,
 * with optional faults, in the server's API. Immutable and thread-safe; the {@code with...} and
 * fault methods return changed copies.
 *
 * <ul>
 *   <li>{@link #reply(String)}: a complete answer, sent as one JSON object or, if the request asked
 *       for a stream, as SSE events with one text event per word. On the OpenAI server: a Chat
 *       Completions answer, or chunks, a finish chunk, the usage chunk when {@code
 *       stream_options.include_usage} was asked for, and {@code [DONE]}. On the Anthropic server: a
 *       Message, or {@code message_start}, a text block's {@code content_block_start/delta/stop},
 *       one {@code tool_use} block per tool call, {@code message_delta} with the stop reason and
 *       usage, and {@code message_stop}.
 *   <li>{@link #error(int, String, String)}: an HTTP error with the API's error body (OpenAI's
 *       {@code ErrorResponse}, Anthropic's {@code {"type":"error","error":{...}}}); add {@code
 *       retry-after} and rate-limit headers with {@link #withHeader}.
 *   <li>{@link #raw(int, String, String)}: any status, content type and body, sent as given
 *       (malformed JSON, a recorded SSE body).
 * </ul>
 *
 * <p>Faults of a broken or hostile server, for testing how a client copes (each combines with the
 * others and with any response):
 *
 * <ul>
 *   <li>{@link #cutAfterEvents} and {@link #malformedAfterEvents}: a stream that ends early or
 *       carries broken JSON;
 *   <li>{@link #oversizedBody}: a body of at least so many bytes;
 *   <li>{@link #oversizedEvent}: one stream event of at least so many bytes;
 *   <li>{@link #withContentType} and {@link #ignoringStream}: a body labelled with the wrong
 *       content type, or a whole JSON answer to a streaming request;
 *   <li>{@link #dripping}: the body a few bytes at a time, on the server's scheduler;
 *   <li>{@link #resetAfterBytes}: the connection closed part-way through the body.
 * </ul>
 */
public final class ScriptedResponse {
  enum Kind { REPLY, ERROR, RAW }

  private final Kind kind;
  private final int status;
  private final String contentType;
  private final @Nullable String contentTypeOverride;
  private final String body;
  private final @Nullable String errorType;
  private final @Nullable String errorCode;
  private final String finishReason;
  private final @Nullable Usage usage;
  private final List<ToolCall> toolCalls;
  private final Map<String, String> headers;
  private final Duration delay;
  private final int cutAfterEvents;
  private final int malformedAfterEvents;
  private final long oversizedBody;
  private final int oversizedEvent;
  private final boolean ignoringStream;
  private final int dripBytes;
  private final Duration dripEvery;
  private final long resetAfterBytes;

  private ScriptedResponse(Draft d) {
    this.kind = d.kind;
    this.status = d.status;
    this.contentType = d.contentType;
    this.contentTypeOverride = d.contentTypeOverride;
    this.body = d.body;
    this.errorType = d.errorType;
    this.errorCode = d.errorCode;
    this.finishReason = d.finishReason;
    this.usage = d.usage;
    this.toolCalls = List.copyOf(d.toolCalls);
    this.headers = Map.copyOf(d.headers);
    this.delay = d.delay;
    this.cutAfterEvents = d.cutAfterEvents;
    this.malformedAfterEvents = d.malformedAfterEvents;
    this.oversizedBody = d.oversizedBody;
    this.oversizedEvent = d.oversizedEvent;
    this.ignoringStream = d.ignoringStream;
    this.dripBytes = d.dripBytes;
    this.dripEvery = d.dripEvery;
    this.resetAfterBytes = d.resetAfterBytes;
  }

  /** A complete answer with {@code text}, finish reason {@code stop} and usage counted from the text. */
  public static ScriptedResponse reply(String text) {
    return new ScriptedResponse(new Draft(Kind.REPLY, 200, "application/json", Objects.requireNonNull(text, "text")));
  }

  /**
   * An HTTP error with the server's error body: on the OpenAI server an {@code ErrorResponse}
   * {@code {"error":{"message","type","param":null,"code"}}}, on the Anthropic server {@code
   * {"type":"error","error":{"type","message"}}} (which has no code).
   *
   * @param status the HTTP status, 400 to 599
   * @param type the error type, such as {@code requests} or {@code insufficient_quota} (OpenAI),
   *     {@code rate_limit_error} or {@code overloaded_error} (Anthropic)
   * @param code the error code, such as {@code rate_limit_exceeded}; or null for a JSON null
   */
  public static ScriptedResponse error(int status, String type, @Nullable String code) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is 400..599 but was " + status);
    }
    Draft d = new Draft(Kind.ERROR, status, "application/json", "fake server error " + status);
    d.errorType = Objects.requireNonNull(type, "type");
    d.errorCode = code;
    return new ScriptedResponse(d);
  }

  /**
   * An HTTP error without a code, as Anthropic sends them: {@code error(529, "overloaded_error")}.
   *
   * @see #error(int, String, String)
   */
  public static ScriptedResponse error(int status, String type) {
    return error(status, type, null);
  }

  /** Any status, content type and body, sent as given. */
  public static ScriptedResponse raw(int status, String contentType, String body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599 but was " + status);
    }
    return new ScriptedResponse(new Draft(Kind.RAW, status, Objects.requireNonNull(contentType, "contentType"),
        Objects.requireNonNull(body, "body")));
  }

  private ScriptedResponse with(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return new ScriptedResponse(d);
  }

  /** This response with a header added. */
  public ScriptedResponse withHeader(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    return with(d -> d.headers.put(name, value));
  }

  /**
   * This reply with the raw finish reason {@code reason} ({@code length}, {@code content_filter},
   * ...). The Anthropic server sends the OpenAI names {@code stop}, {@code length}, {@code
   * tool_calls} and {@code content_filter} as the stop reasons {@code end_turn}, {@code
   * max_tokens}, {@code tool_use} and {@code refusal}, and any other name as it is given.
   */
  public ScriptedResponse withFinishReason(String reason) {
    Objects.requireNonNull(reason, "reason");
    return with(d -> d.finishReason = reason);
  }

  /** This reply reporting {@code usage} instead of counts from the text. */
  public ScriptedResponse withUsage(Usage usage) {
    Objects.requireNonNull(usage, "usage");
    return with(d -> d.usage = usage);
  }

  /** This reply calling tools (finish reason {@code tool_calls}). */
  public ScriptedResponse withToolCalls(List<ToolCall> calls) {
    Objects.requireNonNull(calls, "calls");
    return with(d -> {
      d.toolCalls = List.copyOf(calls);
      d.finishReason = "tool_calls";
    });
  }

  /**
   * This response sent after {@code delay} on the server's scheduler (a {@link
   * dev.llmops.testkit.ManualScheduler} in tests: advance its clock to release it).
   */
  public ScriptedResponse after(Duration delay) {
    return with(d -> d.delay = nonNegative(delay, "delay"));
  }

  /** As a stream, this reply sends {@code events} SSE events, then ends the body without {@code [DONE]}. */
  public ScriptedResponse cutAfterEvents(int events) {
    int n = nonNegative(events, "events");
    return with(d -> d.cutAfterEvents = n);
  }

  /** As a stream, this reply sends {@code events} SSE events, then one whose JSON is malformed. */
  public ScriptedResponse malformedAfterEvents(int events) {
    int n = nonNegative(events, "events");
    return with(d -> d.malformedAfterEvents = n);
  }

  /**
   * Fault: this reply's body holds at least {@code bytes} bytes. As one JSON answer, its text is
   * padded with that many filler characters; as a stream, filler text events of about 1 KB follow
   * the first text until the body holds that many bytes. The body is made as it is written, so a
   * gigabyte costs the server no memory.
   *
   * @throws IllegalArgumentException if not positive, or the response is not a {@link #reply}
   */
  public ScriptedResponse oversizedBody(long bytes) {
    requireReply("oversizedBody");
    long n = positive(bytes, "bytes");
    return with(d -> d.oversizedBody = n);
  }

  /**
   * Fault: as a stream, this reply's first text event carries at least {@code bytes} bytes (filler
   * before the text) in one {@code data:} line; as one JSON answer, its text is padded the same.
   *
   * @throws IllegalArgumentException if not positive, or the response is not a {@link #reply}
   */
  public ScriptedResponse oversizedEvent(int bytes) {
    requireReply("oversizedEvent");
    int n = (int) positive(bytes, "bytes");
    return with(d -> d.oversizedEvent = n);
  }

  /**
   * Fault: this response labelled with {@code contentType} whatever its body is (an HTML error
   * page would say {@code text/html}; a proxy might say {@code text/plain}).
   */
  public ScriptedResponse withContentType(String contentType) {
    Objects.requireNonNull(contentType, "contentType");
    return with(d -> d.contentTypeOverride = contentType);
  }

  /**
   * Fault: this reply answers a streaming request with one JSON object ({@code application/json}),
   * as a server that ignores {@code "stream": true} does.
   *
   * @throws IllegalArgumentException if the response is not a {@link #reply}
   */
  public ScriptedResponse ignoringStream() {
    requireReply("ignoringStream");
    return with(d -> d.ignoringStream = true);
  }

  /**
   * Fault: this response's headers at once, then its body {@code bytes} bytes at a time, one piece
   * every {@code every} on the server's scheduler (a slow or stalled server; a {@link
   * dev.llmops.testkit.ManualScheduler} releases each piece as its clock advances). The server
   * stops when the client goes away, and counts it in {@link FakeOpenAiServer#disconnects()}.
   *
   * @throws IllegalArgumentException if {@code bytes} is not positive or {@code every} is not
   *     positive
   */
  public ScriptedResponse dripping(int bytes, Duration every) {
    int n = (int) positive(bytes, "bytes");
    Objects.requireNonNull(every, "every");
    if (every.isZero() || every.isNegative()) {
      throw new IllegalArgumentException("every must be positive but was " + every);
    }
    return with(d -> {
      d.dripBytes = n;
      d.dripEvery = every;
    });
  }

  /**
   * Fault: this response's headers announce its whole length, but only its first {@code bytes}
   * bytes are sent before the server closes the connection (a reset mid-body, as a crashed
   * upstream or a proxy timeout gives).
   *
   * @throws IllegalArgumentException if negative
   */
  public ScriptedResponse resetAfterBytes(long bytes) {
    long n = nonNegative(bytes, "bytes");
    return with(d -> d.resetAfterBytes = n);
  }

  private void requireReply(String fault) {
    if (kind != Kind.REPLY) {
      throw new IllegalArgumentException(fault + " applies to a reply(...), not to " + this);
    }
  }

  private static long positive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive but was " + value);
    }
    return value;
  }

  private static int nonNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
    }
    return value;
  }

  private static long nonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
    }
    return value;
  }

  private static Duration nonNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
    }
    return value;
  }

  Kind kind() {
    return kind;
  }

  /** This response as {@code dialect} sends it: an error becomes a raw response with its body. */
  ScriptedResponse in(WireDialect dialect) {
    String type = errorType;
    if (kind != Kind.ERROR || type == null) {
      return this;
    }
    return with(d -> {
      d.kind = Kind.RAW;
      d.body = dialect.errorBody(status, body, type, errorCode);
    });
  }

  int status() {
    return status;
  }

  /** The content type sent: the fault's, else the response's own. */
  String contentType(String natural) {
    String override = contentTypeOverride;
    return override != null ? override : kind == Kind.RAW ? contentType : natural;
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

  long oversizedBody() {
    return oversizedBody;
  }

  int oversizedEvent() {
    return oversizedEvent;
  }

  boolean ignoresStream() {
    return ignoringStream;
  }

  int dripBytes() {
    return dripBytes;
  }

  Duration dripEvery() {
    return dripEvery;
  }

  long resetAfterBytes() {
    return resetAfterBytes;
  }

  /** True when the body is written byte by byte under a fault, with its length announced. */
  boolean framedFault() {
    return oversizedBody > 0 || oversizedEvent > 0 || dripBytes > 0 || resetAfterBytes >= 0;
  }

  @Override
  public String toString() {
    return "ScriptedResponse[" + kind + " " + status + (delay.isZero() ? "" : " after " + delay) + "]";
  }

  /** The mutable copy a change is made on. */
  private static final class Draft {
    Kind kind;
    int status;
    String contentType;
    @Nullable String contentTypeOverride;
    String body;
    @Nullable String errorType;
    @Nullable String errorCode;
    String finishReason = "stop";
    @Nullable Usage usage;
    List<ToolCall> toolCalls = List.of();
    final Map<String, String> headers = new LinkedHashMap<>();
    Duration delay = Duration.ZERO;
    int cutAfterEvents = -1;
    int malformedAfterEvents = -1;
    long oversizedBody;
    int oversizedEvent;
    boolean ignoringStream;
    int dripBytes;
    Duration dripEvery = Duration.ZERO;
    long resetAfterBytes = -1;

    Draft(Kind kind, int status, String contentType, String body) {
      this.kind = kind;
      this.status = status;
      this.contentType = contentType;
      this.body = body;
    }

    Draft(ScriptedResponse r) {
      this(r.kind, r.status, r.contentType, r.body);
      contentTypeOverride = r.contentTypeOverride;
      errorType = r.errorType;
      errorCode = r.errorCode;
      finishReason = r.finishReason;
      usage = r.usage;
      toolCalls = r.toolCalls;
      headers.putAll(r.headers);
      delay = r.delay;
      cutAfterEvents = r.cutAfterEvents;
      malformedAfterEvents = r.malformedAfterEvents;
      oversizedBody = r.oversizedBody;
      oversizedEvent = r.oversizedEvent;
      ignoringStream = r.ignoringStream;
      dripBytes = r.dripBytes;
      dripEvery = r.dripEvery;
      resetAfterBytes = r.resetAfterBytes;
    }
  }
}
