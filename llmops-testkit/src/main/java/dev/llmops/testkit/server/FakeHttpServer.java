package dev.llmops.testkit.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.llmops.api.Cancellable;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.LlmException;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.testkit.FakeChatModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
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
 * The HTTP server the fake provider servers share: a real server on a random loopback port that
 * answers each request from the next {@link ScriptedResponse} or, when none is queued, from a
 * {@link FakeChatModel}, plays the scripted faults, and records every request. What is said, in
 * which API, is the {@link WireDialect}'s.
 *
 * <p>Four handler threads read requests; delayed and dripping answers are written on the injected
 * scheduler, so no thread waits for an answer it has yet to give. Thread-safe.
 *
 * @param <S> the server type, returned by {@link #enqueue}
 */
abstract class FakeHttpServer<S extends FakeHttpServer<S>> implements AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final String SSE = "text/event-stream; charset=utf-8";
  /** Handler threads: requests are read and answers scheduled on them, never waited for. */
  private static final int HANDLER_THREADS = 4;
  /** Connections waiting to be accepted: enough for thousands of calls arriving at once. */
  private static final int BACKLOG = 4096;

  private final WireDialect dialect;
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

  FakeHttpServer(Settings<?, ?> b, WireDialect dialect) throws IOException {
    this.dialect = dialect;
    this.model = b.model != null ? b.model : FakeChatModel.create();
    this.scheduler = b.scheduler;
    this.clock = b.clock;
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(HANDLER_THREADS, r -> {
      Thread t = new Thread(r, "llmops-fake-" + dialect.name() + "-" + instance + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Writes one JSON document. */
  @FunctionalInterface
  interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  /** The JSON {@code body} writes, as a string. */
  static String json(JsonBody body) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The text of a string, or of the {@code text} blocks of an array. */
  static String text(@Nullable JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    if (content.isArray()) {
      for (JsonNode part : content) {
        if ("text".equals(part.path("type").asText())) {
          sb.append(part.path("text").asText(""));
        }
      }
    }
    return sb.toString();
  }

  /** Reads {@code temperature}, {@code top_p} and the stop sequences (a string or an array) of a request body. */
  static void sampling(JsonNode body, GenerationParameters.Builder p, String stopField) {
    if (body.hasNonNull("temperature")) {
      p.temperature(body.get("temperature").asDouble());
    }
    if (body.hasNonNull("top_p")) {
      p.topP(body.get("top_p").asDouble());
    }
    JsonNode stop = body.get(stopField);
    if (stop != null && stop.isTextual()) {
      p.stopSequences(List.of(stop.asText()));
    } else if (stop != null && stop.isArray()) {
      List<String> stops = new ArrayList<>();
      stop.forEach(s -> stops.add(s.asText()));
      p.stopSequences(stops);
    }
  }

  @SuppressWarnings("unchecked") // S is this class's own type, by the declaration of every subclass
  private S self() {
    return (S) this;
  }

  /** The base URL to give a client, such as {@code http://127.0.0.1:53124/v1}. */
  public String baseUrl() {
    return rootUrl() + "/v1";
  }

  /**
   * The server's root URL without the API version, such as {@code http://127.0.0.1:53124}, for
   * clients that add {@code /v1} themselves (the official Anthropic SDK).
   */
  public String rootUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
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
  public synchronized S enqueue(ScriptedResponse... responses) {
    for (ScriptedResponse r : responses) {
      Objects.requireNonNull(r, "response");
      if ((!r.delay().isZero() || r.dripBytes() > 0) && scheduler == null) {
        throw new IllegalStateException("a delayed or dripping response needs "
            + getClass().getSimpleName() + ".builder().scheduler(...)");
      }
      queue.add(r);
    }
    return self();
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
    return getClass().getSimpleName() + "[" + baseUrl() + "]";
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
      if (scripted != null) {
        scripted = scripted.in(dialect);
      }
      if (scripted == null && (!recorded.path().equals(dialect.path()) || !recorded.method().equals("POST"))) {
        send(ex, 404, "application/json",
            dialect.notFound("no route " + recorded.method() + " " + recorded.path()), List.of());
        return;
      }
      JsonNode json;
      try {
        json = MAPPER.readTree(body);
      } catch (IOException e) {
        json = null;
      }
      if (scripted != null && scripted.kind() == ScriptedResponse.Kind.RAW) {
        json = json == null || !json.isObject() ? MAPPER.createObjectNode() : json;
      } else if (json == null || !json.isObject()) {
        send(ex, 400, "application/json", dialect.badRequest("the body is not a JSON object"), List.of());
        return;
      }
      Call call = new Call(ex, json);
      if (scripted == null) {
        call.fromModel();
      } else if (scripted.delay().isZero()) {
        call.scripted(scripted);
      } else {
        ScriptedResponse delayed = scripted;
        Objects.requireNonNull(scheduler, "scheduler").schedule(() -> call.scripted(delayed), delayed.delay());
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

  /** One request being answered. */
  private final class Call {
    private final HttpExchange ex;
    private final JsonNode json;
    private final boolean stream;
    private final WireDialect.Answer answer;
    private @Nullable OutputStream sse;

    Call(HttpExchange ex, JsonNode json) {
      this.ex = ex;
      this.json = json;
      this.stream = json.path("stream").asBoolean(false);
      this.answer = dialect.answer(json, answers.incrementAndGet(), clock.instant());
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
        Usage usage = r.usage() != null ? r.usage() : Usage.of(dialect.inputTokens(json),
            FakeChatModel.estimateTokens(r.body()));
        long pad = Math.max(r.oversizedBody(), r.oversizedEvent());
        if (!stream || r.ignoresStream()) {
          String type = r.contentType("application/json");
          String text = (pad > 0 ? PlannedBody.MARK : "") + r.body();
          String whole = answer.whole(text, r.finishReason(), usage, r.toolCalls());
          if (r.framedFault()) {
            writeFramed(r, 200, type,
                pad > 0 ? new PlannedBody().addFilled(whole, pad) : new PlannedBody().add(whole), headers);
          } else {
            send(ex, 200, type, whole, headers);
          }
          return;
        }
        List<String> planned = new ArrayList<>(answer.open(usage));
        int firstText = planned.size();
        List<String> sent = plannedEvents(r, usage, planned);
        String type = r.contentType(SSE);
        if (!r.framedFault()) {
          startStream(type, headers);
          for (String event : sent) {
            event(event);
          }
          endStream();
          return;
        }
        PlannedBody body = new PlannedBody();
        for (int i = 0; i < sent.size(); i++) {
          String event = sent.get(i);
          if (i == firstText && r.oversizedEvent() > 0) {
            body.addFilled(event, r.oversizedEvent());
          } else {
            body.add(event);
          }
          if (i == firstText && r.oversizedBody() > 0) {
            byte[] filler = answer.text(PlannedBody.filler(PlannedBody.FILLER_BLOCK)).getBytes(StandardCharsets.UTF_8);
            body.repeat(filler, (r.oversizedBody() + filler.length - 1) / filler.length);
          }
        }
        writeFramed(r, 200, type, body, headers);
      } catch (IOException | UncheckedIOException e) {
        clientGone();
      }
    }

    /**
     * The events of a scripted stream after {@code planned} (the opening ones): one text event per
     * word (the first marked for filler when the reply has an oversized event), then the closing
     * ones; cut short or broken as the reply's faults say.
     */
    private List<String> plannedEvents(ScriptedResponse r, Usage usage, List<String> planned) {
      List<String> pieces = new ArrayList<>(FakeChatModel.chunksOf(r.body()));
      if (pieces.isEmpty() && (r.oversizedEvent() > 0 || r.oversizedBody() > 0)) {
        pieces.add("");
      }
      for (int i = 0; i < pieces.size(); i++) {
        planned.add(answer.text(i == 0 && r.oversizedEvent() > 0 ? PlannedBody.MARK + pieces.get(i) : pieces.get(i)));
      }
      planned.addAll(answer.close(r.finishReason(), usage, r.toolCalls()));
      List<String> sent = new ArrayList<>();
      for (String event : planned) {
        if (sent.size() == r.malformedAfterEvents()) {
          sent.add(answer.malformed());
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
        request = dialect.toChatRequest(json);
      } catch (IllegalArgumentException e) {
        send(ex, 400, "application/json",
            dialect.badRequest(e.getMessage() == null ? "invalid request" : e.getMessage()), List.of());
        return;
      }
      if (!stream) {
        var unused = model.execute(request, ModelExchange.unary()).whenComplete((response, failure) -> {
          try {
            if (failure != null) {
              fail(failure);
            } else {
              send(ex, 200, "application/json", answer.whole(response.text(),
                  dialect.finishReason(response.finishReason()), response.usage(), response.toolCalls()), List.of());
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
              endStream(); // a stream already under way breaks off without its end event
            } else {
              fail(failure);
            }
            return;
          }
          if (sse == null) {
            open();
          }
          for (String event : answer.close(dialect.finishReason(response.finishReason()), response.usage(),
              response.toolCalls())) {
            event(event);
          }
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
      String code = null;
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      if (t instanceof LlmException e) {
        status = e.httpStatus() >= 400 ? e.httpStatus() : 500;
        code = e.details().errorCode().isEmpty() ? null : e.details().errorCode();
        headers.addAll(e.details().headers().entrySet());
        Duration retryAfter = e.retryAfter();
        if (retryAfter != null && !e.details().headers().containsKey("retry-after")) {
          headers.add(Map.entry("retry-after", Long.toString(retryAfter.toSeconds())));
        }
      }
      send(ex, status, "application/json", dialect.modelFailure(status, code), headers);
    }

    /** Starts the stream of a model's answer with the events before its text. */
    private void open() throws IOException {
      startStream(SSE, List.of());
      for (String event : answer.open(Usage.of(dialect.inputTokens(json), 0))) {
        event(event);
      }
    }

    private void startStream(String type, List<Map.Entry<String, String>> headers) throws IOException {
      ex.getResponseHeaders().set("content-type", type);
      ex.getResponseHeaders().set("cache-control", "no-cache");
      headers.forEach(h -> ex.getResponseHeaders().add(h.getKey(), h.getValue()));
      ex.sendResponseHeaders(200, 0);
      sse = ex.getResponseBody();
    }

    private void event(String framed) throws IOException {
      OutputStream out = Objects.requireNonNull(sse, "stream not started");
      out.write(framed.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    private void endStream() throws IOException {
      OutputStream out = sse;
      if (out != null) {
        out.close();
      }
      ex.close();
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
            open();
          }
          if (!chunk.textDelta().isEmpty()) {
            event(answer.text(chunk.textDelta()));
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

  /**
   * The settings every fake server's builder has. Not thread-safe.
   *
   * @param <B> the builder type
   * @param <S> the server it starts
   */
  abstract static class Settings<B extends Settings<B, S>, S> {
    private @Nullable FakeChatModel model;
    private @Nullable TaskScheduler scheduler;
    private Clock clock = Clock.systemUTC();

    Settings() {}

    @SuppressWarnings("unchecked") // B is the subclass's own type, by its declaration
    private B self() {
      return (B) this;
    }

    /** The model that answers when no scripted response is queued (default {@link FakeChatModel#create()}). */
    public B model(FakeChatModel model) {
      this.model = Objects.requireNonNull(model, "model");
      return self();
    }

    /** The scheduler delayed responses wait on (required for {@link ScriptedResponse#after}). */
    public B scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return self();
    }

    /** The clock that dates the answers (default system UTC). */
    public B clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return self();
    }

    /**
     * Starts the server on a random loopback port.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public abstract S start();
  }
}
