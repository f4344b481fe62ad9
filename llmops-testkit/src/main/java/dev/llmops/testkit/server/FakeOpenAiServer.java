package dev.llmops.testkit.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.llmops.api.Cancellable;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.LlmException;
import dev.llmops.api.Message;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.testkit.FakeChatModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A real HTTP server on a random loopback port that speaks the OpenAI Chat Completions API, for
 * tests: {@code POST /v1/chat/completions}, blocking (JSON) and streaming (SSE with {@code
 * stream_options.include_usage}, the final usage chunk and {@code [DONE]}).
 *
 * <pre>{@code
 * try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
 *   server.enqueue(ScriptedResponse.error(429, "requests", "rate_limit_exceeded").withHeader("retry-after", "1"));
 *   server.enqueue(ScriptedResponse.reply("Hello!"));
 *   ChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("gpt-4o-mini").build();
 *   ...
 *   assertThat(server.requests()).hasSize(2);
 * }
 * }</pre>
 *
 * <p>Each request, to any path, takes the next {@link ScriptedResponse} from the queue (so a test
 * can also script another provider's API); when the queue is empty,
 * the {@link FakeChatModel} behind the server answers (its faults become HTTP errors with the
 * fault's status, code and {@code retry-after}; a stream fault ends the SSE body without {@code
 * [DONE]}). Every request is recorded. Delayed and dripping responses wait on the injected {@link
 * TaskScheduler}, so a test with a {@link dev.llmops.testkit.ManualScheduler} advances its clock
 * instead of sleeping. {@link ScriptedResponse} lists the faults of a broken or hostile server it
 * can play (oversized bodies and events, wrong content types, slow drips, resets mid-body).
 *
 * <p>The server binds to the loopback address only and holds no thread for an answer it waits to
 * give: four handler threads read requests, the scheduler's threads write delayed answers, so it
 * serves thousands of calls in flight. Thread-safe; close it to free the port and its threads.
 */
public final class FakeOpenAiServer implements AutoCloseable {
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final String PATH = "/v1/chat/completions";
  private static final String SSE = "text/event-stream; charset=utf-8";
  /** Handler threads: requests are read and answers scheduled on them, never waited for. */
  private static final int HANDLER_THREADS = 4;
  /** Connections waiting to be accepted: enough for thousands of calls arriving at once. */
  private static final int BACKLOG = 4096;

  private final HttpServer server;
  private final ExecutorService executor;
  private final FakeChatModel model;
  private final @Nullable TaskScheduler scheduler;
  private final Clock clock;
  private final AtomicLong answers = new AtomicLong();
  private final AtomicInteger disconnects = new AtomicInteger();

  // Guarded by this.
  private final Deque<ScriptedResponse> queue = new ArrayDeque<>();
  private final List<RecordedRequest> requests = new ArrayList<>();

  private FakeOpenAiServer(Builder b) throws IOException {
    this.model = b.model != null ? b.model : FakeChatModel.create();
    this.scheduler = b.scheduler;
    this.clock = b.clock;
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(HANDLER_THREADS, r -> {
      Thread t = new Thread(r, "llmops-fake-openai-" + instance + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server with default settings: a {@link FakeChatModel#create()} behind the queue. */
  public static FakeOpenAiServer start() {
    return builder().start();
  }

  /** A builder for a server with a chosen model, scheduler or clock. */
  public static Builder builder() {
    return new Builder();
  }

  /** The base URL to give a client, such as {@code http://127.0.0.1:53124/v1}. */
  public String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port() + "/v1";
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The model that answers when the queue is empty. */
  public FakeChatModel model() {
    return model;
  }

  /**
   * Queues responses for the next requests, in order.
   *
   * @throws IllegalStateException if a response has a delay and the server has no scheduler
   */
  public synchronized FakeOpenAiServer enqueue(ScriptedResponse... responses) {
    for (ScriptedResponse r : responses) {
      Objects.requireNonNull(r, "response");
      if ((!r.delay().isZero() || r.dripBytes() > 0) && scheduler == null) {
        throw new IllegalStateException(
            "a delayed or dripping response needs FakeOpenAiServer.builder().scheduler(...)");
      }
      queue.add(r);
    }
    return this;
  }

  /**
   * How many answers could not be written to their end because the client had gone: a cancelled
   * call, a client that stopped reading at a size cap or a deadline.
   */
  public int disconnects() {
    return disconnects.get();
  }

  /** Every request received, in order. */
  public synchronized List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** How many requests were received. */
  public synchronized int requestCount() {
    return requests.size();
  }

  /**
   * The last request received.
   *
   * @throws IllegalStateException if none was
   */
  public synchronized RecordedRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new IllegalStateException("the fake server received no request");
    }
    return requests.get(requests.size() - 1);
  }

  /** Stops the server at once and frees its port and threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "FakeOpenAiServer[" + baseUrl() + "]";
  }

  private void handle(HttpExchange ex) {
    try {
      String body;
      try (InputStream in = ex.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      String query = ex.getRequestURI().getRawQuery();
      RecordedRequest recorded = new RecordedRequest(ex.getRequestMethod(), ex.getRequestURI().getPath(),
          query == null ? "" : query, ex.getRequestHeaders(), body);
      ScriptedResponse scripted;
      synchronized (this) {
        requests.add(recorded);
        scripted = queue.poll();
      }
      if (scripted == null && (!recorded.path().equals(PATH) || !recorded.method().equals("POST"))) {
        send(ex, 404, "application/json",
            OpenAiJson.errorBody("no route " + recorded.method() + " " + recorded.path(), "invalid_request_error",
                "unknown_url"), List.of());
        return;
      }
      JsonNode json;
      try {
        json = OpenAiJson.MAPPER.readTree(body);
      } catch (IOException e) {
        json = null;
      }
      if (scripted != null && scripted.kind() == ScriptedResponse.Kind.RAW) {
        json = json == null || !json.isObject() ? OpenAiJson.MAPPER.createObjectNode() : json;
      } else if (json == null || !json.isObject()) {
        send(ex, 400, "application/json",
            OpenAiJson.errorBody("the body is not a JSON object", "invalid_request_error", null), List.of());
        return;
      }
      Call call = new Call(ex, json);
      if (scripted == null) {
        call.fromModel();
      } else if (scripted.delay().isZero()) {
        call.scripted(scripted);
      } else {
        Objects.requireNonNull(scheduler, "scheduler").schedule(() -> call.scripted(scripted), scripted.delay());
      }
    } catch (IOException | RuntimeException e) {
      ex.close();
    }
  }

  private static void send(HttpExchange ex, int status, String contentType, String body,
      List<Map.Entry<String, String>> headers) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("content-type", contentType);
    headers.forEach(h -> ex.getResponseHeaders().add(h.getKey(), h.getValue()));
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String sse(String data) {
    return "data: " + data + "\n\n";
  }

  private static String rawFinishReason(FinishReason reason) {
    return switch (reason) {
      case STOP, OTHER -> "stop";
      case LENGTH -> "length";
      case TOOL_CALLS -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
    };
  }

  /** One request being answered. */
  private final class Call {
    private final HttpExchange ex;
    private final JsonNode json;
    private final boolean stream;
    private final boolean includeUsage;
    private final OpenAiJson.Ids ids;
    private @Nullable OutputStream sse;

    Call(HttpExchange ex, JsonNode json) {
      this.ex = ex;
      this.json = json;
      this.stream = json.path("stream").asBoolean(false);
      this.includeUsage = json.path("stream_options").path("include_usage").asBoolean(false);
      this.ids = new OpenAiJson.Ids("chatcmpl-fake-" + answers.incrementAndGet(),
          json.path("model").asText("fake-model"), clock.instant().getEpochSecond());
    }

    void scripted(ScriptedResponse r) {
      try {
        List<Map.Entry<String, String>> headers = new ArrayList<>(r.headers().entrySet());
        if (r.kind() == ScriptedResponse.Kind.RAW) {
          if (r.framedFault()) {
            writeFramed(r, r.status(), r.contentType(""), new PlannedBody().add(r.body()), headers);
          } else {
            send(ex, r.status(), r.contentType(""), r.body(), headers);
          }
          return;
        }
        Usage usage = r.usage() != null ? r.usage() : estimate(r.body());
        long pad = Math.max(r.oversizedBody(), r.oversizedEvent());
        if (!stream || r.ignoresStream()) {
          String type = r.contentType("application/json");
          String text = (pad > 0 ? PlannedBody.MARK : "") + r.body();
          String json = OpenAiJson.completion(ids, text, r.finishReason(), usage, r.toolCalls());
          if (r.framedFault()) {
            writeFramed(r, 200, type, pad > 0 ? new PlannedBody().addFilled(json, pad) : new PlannedBody().add(json),
                headers);
          } else {
            send(ex, 200, type, json, headers);
          }
          return;
        }
        List<String> planned = plannedEvents(r, usage);
        String type = r.contentType("text/event-stream; charset=utf-8");
        if (!r.framedFault()) {
          startStream(type, headers);
          for (String event : planned) {
            event(event);
          }
          endStream();
          return;
        }
        PlannedBody body = new PlannedBody();
        for (int i = 0; i < planned.size(); i++) {
          String sse = sse(planned.get(i));
          if (i == 1 && r.oversizedEvent() > 0) {
            body.addFilled(sse, r.oversizedEvent());
          } else {
            body.add(sse);
          }
          if (i == 1 && r.oversizedBody() > 0) {
            byte[] filler = sse(OpenAiJson.chunk(ids, null, PlannedBody.filler(PlannedBody.FILLER_BLOCK), List.of(),
                null, includeUsage)).getBytes(StandardCharsets.UTF_8);
            body.repeat(filler, (r.oversizedBody() + filler.length - 1) / filler.length);
          }
        }
        writeFramed(r, 200, type, body, headers);
      } catch (IOException | UncheckedIOException e) {
        clientGone();
      }
    }

    /**
     * The SSE data of a scripted stream: the role chunk, one chunk per word (the first marked for
     * filler when the reply has an oversized event), tool calls, the finish chunk, the usage chunk
     * when asked for and {@code [DONE]}; cut short or broken as the reply's faults say.
     */
    private List<String> plannedEvents(ScriptedResponse r, Usage usage) {
      List<String> pieces = new ArrayList<>(FakeChatModel.chunksOf(r.body()));
      if (pieces.isEmpty() && (r.oversizedEvent() > 0 || r.oversizedBody() > 0)) {
        pieces.add("");
      }
      List<String> planned = new ArrayList<>();
      planned.add(OpenAiJson.chunk(ids, "assistant", "", List.of(), null, includeUsage));
      for (String piece : pieces) {
        String text = planned.size() == 1 && r.oversizedEvent() > 0 ? PlannedBody.MARK + piece : piece;
        planned.add(OpenAiJson.chunk(ids, null, text, List.of(), null, includeUsage));
      }
      if (!r.toolCalls().isEmpty()) {
        planned.add(OpenAiJson.chunk(ids, null, null, r.toolCalls(), null, includeUsage));
      }
      planned.add(OpenAiJson.chunk(ids, null, null, List.of(), r.finishReason(), includeUsage));
      if (includeUsage) {
        planned.add(OpenAiJson.usageChunk(ids, usage));
      }
      planned.add("[DONE]");
      List<String> sent = new ArrayList<>();
      for (String event : planned) {
        if (sent.size() == r.malformedAfterEvents()) {
          sent.add("{\"id\":\"" + ids.id() + "\",\"choices\":[{\"delta\":{\"content\":");
          break;
        }
        if (sent.size() == r.cutAfterEvents()) {
          break;
        }
        sent.add(event);
      }
      return sent;
    }

    /**
     * Writes a body under the reply's faults: dripped on the scheduler, or cut off by closing the
     * connection after {@code resetAfterBytes} of the length the headers announce.
     */
    private void writeFramed(ScriptedResponse r, int status, String type, PlannedBody body,
        List<Map.Entry<String, String>> headers) throws IOException {
      ex.getResponseHeaders().set("content-type", type);
      headers.forEach(h -> ex.getResponseHeaders().add(h.getKey(), h.getValue()));
      long length = body.length();
      boolean reset = r.resetAfterBytes() >= 0;
      // A stream goes chunked, as real servers send one; a reset needs the length announced, so
      // that the body ends short of it.
      boolean chunked = !reset && type.startsWith("text/event-stream");
      ex.sendResponseHeaders(status, chunked ? 0 : length == 0 ? -1 : length);
      OutputStream out = ex.getResponseBody();
      long limit = reset ? Math.min(r.resetAfterBytes(), length) : length;
      if (r.dripBytes() > 0) {
        new Drip(out, body, limit, r.dripBytes(), r.dripEvery()).run();
        return;
      }
      long written = 0;
      while (written < limit) {
        byte[] piece = body.next((int) Math.min(64 * 1024, limit - written));
        out.write(piece);
        written += piece.length;
      }
      end(out, limit < length);
    }

    /**
     * Ends a framed body: normally, or (when it was cut short) by closing the exchange before the
     * announced length was written, which makes the server close the connection.
     */
    private void end(OutputStream out, boolean cut) throws IOException {
      if (cut) {
        out.flush();
        ex.close();
      } else {
        out.close();
        ex.close();
      }
    }

    private void clientGone() {
      disconnects.incrementAndGet();
      ex.close();
    }

    /** Writes a body piece by piece on the scheduler. */
    private final class Drip implements Runnable {
      private final OutputStream out;
      private final PlannedBody body;
      private final long limit;
      private final int bytes;
      private final Duration every;
      private long written;

      Drip(OutputStream out, PlannedBody body, long limit, int bytes, Duration every) {
        this.out = out;
        this.body = body;
        this.limit = limit;
        this.bytes = bytes;
        this.every = every;
      }

      @Override
      public void run() {
        byte[] piece = body.next((int) Math.min(bytes, limit - written));
        written += piece.length;
        boolean last = written >= limit;
        // The next piece is due before this one reaches the client, so a client that has read it
        // always finds the next one pending on the scheduler.
        Cancellable next = last ? null : Objects.requireNonNull(scheduler, "scheduler").schedule(this, every);
        try {
          out.write(piece);
          out.flush();
          if (last) {
            end(out, !body.done());
          }
        } catch (IOException e) {
          if (next != null) {
            next.cancel();
          }
          clientGone();
        }
      }
    }

    void fromModel() throws IOException {
      ChatRequest request;
      try {
        request = OpenAiJson.toChatRequest(json);
      } catch (IllegalArgumentException e) {
        send(ex, 400, "application/json", OpenAiJson.errorBody(e.getMessage() == null ? "invalid request"
            : e.getMessage(), "invalid_request_error", null), List.of());
        return;
      }
      if (!stream) {
        var unused = model.execute(request, ModelExchange.unary()).whenComplete((response, failure) -> {
          try {
            if (failure != null) {
              fail(failure);
            } else {
              send(ex, 200, "application/json", OpenAiJson.completion(ids, response.text(),
                  rawFinishReason(response.finishReason()), response.usage(), response.toolCalls()), List.of());
            }
          } catch (IOException e) {
            clientGone();
          }
        });
        return;
      }
      var unused = model.execute(request, new SseExchange()).whenComplete((response, failure) -> {
        try {
          if (failure != null) {
            if (sse != null) {
              endStream(); // a stream already under way breaks off without [DONE]
            } else {
              fail(failure);
            }
            return;
          }
          if (sse == null) {
            startStream(SSE, List.of());
            event(OpenAiJson.chunk(ids, "assistant", "", List.of(), null, includeUsage));
          }
          if (!response.toolCalls().isEmpty()) {
            event(OpenAiJson.chunk(ids, null, null, response.toolCalls(), null, includeUsage));
          }
          event(OpenAiJson.chunk(ids, null, null, List.of(), rawFinishReason(response.finishReason()),
              includeUsage));
          if (includeUsage) {
            event(OpenAiJson.usageChunk(ids, response.usage()));
          }
          event("[DONE]");
          endStream();
        } catch (IOException | UncheckedIOException e) {
          clientGone();
        }
      });
    }

    private void fail(Throwable failure) throws IOException {
      Throwable t = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      int status = 500;
      String code = "server_error";
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      if (t instanceof LlmException e) {
        status = e.httpStatus() >= 400 ? e.httpStatus() : 500;
        code = e.details().errorCode().isEmpty() ? code : e.details().errorCode();
        headers.addAll(e.details().headers().entrySet());
        Duration retryAfter = e.retryAfter();
        if (retryAfter != null && !e.details().headers().containsKey("retry-after")) {
          headers.add(Map.entry("retry-after", Long.toString(retryAfter.toSeconds())));
        }
      }
      send(ex, status, "application/json", OpenAiJson.errorBody("fake model failed", code, code), headers);
    }

    private void startStream(String type, List<Map.Entry<String, String>> headers) throws IOException {
      ex.getResponseHeaders().set("content-type", type);
      ex.getResponseHeaders().set("cache-control", "no-cache");
      headers.forEach(h -> ex.getResponseHeaders().add(h.getKey(), h.getValue()));
      ex.sendResponseHeaders(200, 0);
      sse = ex.getResponseBody();
    }

    private void event(String data) throws IOException {
      OutputStream out = Objects.requireNonNull(sse, "stream not started");
      out.write(sse(data).getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    private void endStream() throws IOException {
      OutputStream out = sse;
      if (out != null) {
        out.close();
      }
      ex.close();
    }

    private Usage estimate(String text) {
      long input = 0;
      JsonNode messages = json.path("messages");
      for (JsonNode m : messages) {
        input += Math.max(1, FakeChatModel.estimateTokens(m.path("content").asText("")));
      }
      return Usage.of(input, FakeChatModel.estimateTokens(text));
    }

    /** The model's streamed chunks, written as SSE events as they come. */
    private final class SseExchange implements ModelExchange {
      @Override
      public boolean streaming() {
        return true;
      }

      @Override
      public void emit(ChatChunk chunk) {
        try {
          if (sse == null) {
            startStream(SSE, List.of());
            event(OpenAiJson.chunk(ids, "assistant", "", List.of(), null, includeUsage));
          }
          if (!chunk.textDelta().isEmpty()) {
            event(OpenAiJson.chunk(ids, null, chunk.textDelta(), List.of(), null, includeUsage));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void onCancel(Runnable action) {
        // the server never cancels an answer; the client may disconnect
      }

      @Override
      public boolean cancelled() {
        return false;
      }
    }
  }

  /** Builds and starts a {@link FakeOpenAiServer}. Not thread-safe. */
  public static final class Builder {
    private @Nullable FakeChatModel model;
    private @Nullable TaskScheduler scheduler;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The model that answers when no scripted response is queued (default {@link FakeChatModel#create()}). */
    public Builder model(FakeChatModel model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /** The scheduler delayed responses wait on (required for {@link ScriptedResponse#after}). */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The clock that sets {@code created} in answers (default system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Starts the server on a random loopback port.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public FakeOpenAiServer start() {
      try {
        return new FakeOpenAiServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("the fake OpenAI server could not bind a loopback port", e);
      }
    }
  }
}
