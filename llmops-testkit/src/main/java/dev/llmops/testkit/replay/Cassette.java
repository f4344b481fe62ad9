package dev.llmops.testkit.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.FinishReason;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.redaction.Redactor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A file of recorded model exchanges (JSON lines), for recording against a real provider once and
 * replaying offline afterwards.
 *
 * <p>{@link #record(ChatModel)} wraps a real model: every successful answer is appended with the
 * request's fingerprint (a SHA-256 over the request's canonical form: model, messages, parameters,
 * tools, response format), the request and the answer, <b>both redacted</b> by the cassette's
 * {@link Redactor} (default {@link Redactor#defaults()}), so no personal data or key reaches the
 * file. {@link #replay()} answers each request with the recordings of its fingerprint, in recorded
 * order (the last one again once they run out), deterministically and at once; a request never
 * recorded fails with a {@link ReplayMissException} naming its fingerprint. The fingerprint is taken
 * before redaction, so a request with personal data still finds its recording; a replayed answer is
 * the redacted one.
 *
 * <p>Thread-safe.
 */
public final class Cassette {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Redactor redactor;

  private Cassette(Path file, Redactor redactor) {
    this.file = file;
    this.redactor = redactor;
  }

  /** A cassette in {@code file} (created on the first recording), redacting with the defaults. */
  public static Cassette of(Path file) {
    return of(file, Redactor.defaults());
  }

  /** A cassette in {@code file} redacting with {@code redactor}. */
  public static Cassette of(Path file, Redactor redactor) {
    return new Cassette(Objects.requireNonNull(file, "file"), Objects.requireNonNull(redactor, "redactor"));
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The fingerprint recordings are matched by: SHA-256 (hex) of the request's canonical JSON. */
  public static String fingerprint(ChatRequest request) {
    try {
      byte[] json = JSON.writeValueAsBytes(canonical(request, Redactor.noop()));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint a request", e);
    }
  }

  private static ObjectNode canonical(ChatRequest r, Redactor redactor) {
    ObjectNode n = JSON.createObjectNode();
    n.put("model", r.model());
    ArrayNode messages = n.putArray("messages");
    for (Message m : r.messages()) {
      ObjectNode o = messages.addObject();
      o.put("role", m.role().name());
      o.put("content", redactor.redact(m.content()));
      if (m.toolCallId() != null) {
        o.put("toolCallId", m.toolCallId());
      }
      if (m.toolError()) {
        o.put("toolError", true); // only when set, so cassettes recorded before the flag still match
      }
      if (!m.toolCalls().isEmpty()) {
        toolCalls(o.putArray("toolCalls"), m.toolCalls(), redactor);
      }
    }
    GenerationParameters p = r.parameters();
    ObjectNode params = n.putObject("parameters");
    params.put("temperature", p.temperature());
    params.put("topP", p.topP());
    params.put("maxOutputTokens", p.maxOutputTokens());
    ArrayNode stops = params.putArray("stopSequences");
    p.stopSequences().forEach(stops::add);
    params.put("seed", p.seed());
    params.put("presencePenalty", p.presencePenalty());
    params.put("frequencyPenalty", p.frequencyPenalty());
    n.put("tools", r.toolsJson());
    if (!r.tools().isEmpty()) {
      // Typed tools only when there are some, so cassettes recorded before them still match.
      ObjectNode typed = n.putObject("typedTools");
      ArrayNode defs = typed.putArray("definitions");
      r.tools().definitions().forEach(d -> defs.addObject()
          .put("name", d.name()).put("description", d.description()).put("parameters", d.parametersSchemaJson()));
      typed.put("choice", String.valueOf(r.tools().choice()));
      typed.put("parallelToolCalls", r.tools().parallelToolCalls());
    }
    n.put("responseFormat", r.responseFormatJson());
    return n;
  }

  private static void toolCalls(ArrayNode out, List<ToolCall> calls, Redactor redactor) {
    for (ToolCall t : calls) {
      out.addObject().put("id", t.id()).put("name", t.name()).put("arguments", redactor.redact(t.argumentsJson()));
    }
  }

  /**
   * A model that forwards to {@code real} and appends each successful exchange to this cassette.
   * Failures are not recorded (a replay of them would hide the provider's behaviour).
   */
  public ChatModel record(ChatModel real) {
    Objects.requireNonNull(real, "real");
    return new ChatModel() {
      @Override
      public ModelInfo info() {
        return real.info();
      }

      @Override
      public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
        String key = fingerprint(request);
        return real.execute(request, exchange).thenApply(response -> {
          append(key, request, response);
          return response;
        });
      }
    };
  }

  private synchronized void append(String key, ChatRequest request, ChatResponse response) {
    ObjectNode line = JSON.createObjectNode();
    line.put("fingerprint", key);
    line.set("request", canonical(request, redactor));
    ObjectNode r = line.putObject("response");
    r.put("id", response.id());
    r.put("model", response.model());
    r.put("text", redactor.redact(response.text()));
    r.put("finishReason", response.finishReason().name());
    Usage u = response.usage();
    r.putObject("usage").put("input", u.inputTokens()).put("output", u.outputTokens())
        .put("cachedInput", u.cachedInputTokens()).put("cacheWrite", u.cacheWriteTokens())
        .put("reasoning", u.reasoningTokens()).put("estimated", u.estimated());
    toolCalls(r.putArray("toolCalls"), response.toolCalls(), redactor);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND)) {
        w.write(JSON.writeValueAsString(line));
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to cassette " + file, e);
    }
  }

  /**
   * A model that answers from this cassette's recordings, as {@code info} (the provider and model
   * the recordings came from, for pricing).
   *
   * @throws ConfigurationException naming the file and line if the cassette is malformed
   * @throws UncheckedIOException if it cannot be read
   */
  public ChatModel replay(ModelInfo info) {
    Objects.requireNonNull(info, "info");
    Map<String, List<ChatResponse>> recorded = load();
    Map<String, Integer> next = new HashMap<>();
    return new ChatModel() {
      @Override
      public ModelInfo info() {
        return info;
      }

      @Override
      public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
        String key = fingerprint(request);
        List<ChatResponse> answers = recorded.get(key);
        if (answers == null) {
          String last = request.messages().isEmpty() ? "" : request.lastUserMessage();
          String excerpt = Redactor.defaults().redact(last.length() > 60 ? last.substring(0, 60) + "…" : last);
          return CompletableFuture.failedFuture(new ReplayMissException(
              key, String.valueOf(request.model()), excerpt, file, recorded.size()));
        }
        ChatResponse answer;
        synchronized (next) {
          int i = next.merge(key, 1, Integer::sum) - 1;
          answer = answers.get(Math.min(i, answers.size() - 1));
        }
        if (exchange.streaming() && !answer.text().isEmpty()) {
          exchange.emit(ChatChunk.text(0, answer.text()));
        }
        return CompletableFuture.completedFuture(answer);
      }
    };
  }

  /** A replaying model whose {@link ModelInfo} says provider and model {@code replay}. */
  public ChatModel replay() {
    return replay(ModelInfo.of("replay", "replay"));
  }

  private Map<String, List<ChatResponse>> load() {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cassette " + file, e);
    }
    Map<String, List<ChatResponse>> out = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        JsonNode n = JSON.readTree(lines.get(i));
        JsonNode r = n.path("response");
        JsonNode u = r.path("usage");
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode t : r.path("toolCalls")) {
          calls.add(new ToolCall(t.path("id").asText(), t.path("name").asText(), t.path("arguments").asText()));
        }
        ChatResponse response = new ChatResponse(r.path("id").asText(), r.path("model").asText(), r.path("text").asText(),
            FinishReason.valueOf(r.path("finishReason").asText()),
            new Usage(u.path("input").asLong(), u.path("output").asLong(), u.path("cachedInput").asLong(),
                u.path("cacheWrite").asLong(), u.path("reasoning").asLong(), u.path("estimated").asBoolean()),
            calls, Map.of());
        String key = n.path("fingerprint").asText();
        if (key.length() != 64) {
          throw new IllegalArgumentException("field 'fingerprint' must be a SHA-256 in hex");
        }
        out.computeIfAbsent(key, k -> new ArrayList<>()).add(response);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw new ConfigurationException(file + ":" + (i + 1) + ": not a recorded exchange: " + e.getMessage());
      }
    }
    return out;
  }
}
