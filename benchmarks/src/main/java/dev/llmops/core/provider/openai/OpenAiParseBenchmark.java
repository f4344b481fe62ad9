package dev.llmops.core.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.LlmException;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.internal.EndpointSettings;
import dev.llmops.core.provider.internal.Json;
import dev.llmops.core.provider.internal.ResponseBodies;
import dev.llmops.core.provider.internal.SseEventReader;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.NullMarked;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parse cost of the OpenAI adapter, without HTTP: a 2 KB non-streaming answer, and one SSE chunk
 * of a stream (line splitting into events, the chunk's JSON, the emitted {@code ChatChunk}), per
 * chunk over a 100-chunk stream. Baseline: Jackson {@code readTree} of the same chunk JSON alone.
 *
 * <p>It lives in the adapter's package (benchmarks run on the class path) to reach the
 * package-private codec without making it public.
 */
@NullMarked
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OpenAiParseBenchmark {
  private static final int CHUNKS = 100;
  private static final String CHUNK =
      "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
          + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"content\":\" token\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}";
  private static final String FINISH = CHUNK.replace("{\"content\":\" token\"}", "{}")
      .replace("\"finish_reason\":null", "\"finish_reason\":\"stop\"");
  private static final String USAGE =
      "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
          + "\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":100,"
          + "\"total_tokens\":119,\"prompt_tokens_details\":{\"cached_tokens\":0},"
          + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}";

  private final ChatRequest request = ChatRequest.of("Write a long answer.");
  private final OpenAiWire wire = new OpenAiWire("openai", "gpt-4o-mini", true, false);
  private final byte[] response2k = completion(1800);
  private final String[] lines = streamLines();
  private final List<ByteBuffer> body = streamBody(lines);
  private final EndpointSettings settings = settings();
  private final HttpRequest.Builder template = settings.template("/chat/completions", false);

  /** An OpenAI endpoint with a key, an organization and a project, as most deployments have. */
  private static EndpointSettings settings() {
    EndpointSettings.Builder b = new EndpointSettings.Builder(
        "https://api.openai.com/v1", "OPENAI_API_KEY", "gpt-4o-mini", "Authorization", "Bearer ");
    b.model("gpt-4o-mini");
    b.apiKey(Secret.of("sk-bench-0123456789abcdef0123456789abcdef"));
    b.header("OpenAI-Organization", "org-bench");
    b.header("OpenAI-Project", "proj_bench");
    b.httpClient(HttpClient.newHttpClient());
    return b.build("OpenAiParseBenchmark");
  }

  private static byte[] completion(int contentChars) {
    String content = "lorem ipsum dolor sit amet, ".repeat(contentChars / 28 + 1).substring(0, contentChars);
    String json = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion\",\"created\":1741569952,"
        + "\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + content + "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":400,\"total_tokens\":419,\"prompt_tokens_details\":"
        + "{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,"
        + "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
        + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fc9f1d7035\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String[] streamLines() {
    String[] out = new String[(CHUNKS + 3) * 2];
    int i = 0;
    for (int c = 0; c < CHUNKS; c++) {
      out[i++] = "data: " + CHUNK;
      out[i++] = "";
    }
    out[i++] = "data: " + FINISH;
    out[i++] = "";
    out[i++] = "data: " + USAGE;
    out[i++] = "";
    out[i++] = "data: [DONE]";
    out[i] = "";
    return out;
  }

  /** The stream's body as the HTTP client hands it over: 16 KB buffers. */
  private static List<ByteBuffer> streamBody(String[] lines) {
    byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    List<ByteBuffer> buffers = new ArrayList<>();
    for (int at = 0; at < bytes.length; at += 16 * 1024) {
      buffers.add(ByteBuffer.wrap(bytes, at, Math.min(16 * 1024, bytes.length - at)).asReadOnlyBuffer());
    }
    return buffers;
  }

  /** The whole non-streaming path after the bytes arrive: parse, usage, response. */
  @Benchmark
  public ChatResponse nonStreaming2kResponse() throws IOException {
    OpenAiTurn turn = new OpenAiTurn("gpt-4o-mini");
    try (JsonParser p = Json.FACTORY.createParser(response2k)) {
      OpenAiWire.read(p, turn);
    }
    return turn.response(request, Map.of());
  }

  /** One SSE chunk of a 100-chunk stream, all the way to the emitted chunk and the aggregate. */
  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public ChatResponse streamPerChunk(Blackhole bh) {
    OpenAiStreamDecoder decoder = new OpenAiStreamDecoder(
        "openai", "gpt-4o-mini", request, ModelExchange.streaming(bh::consume), Map.of());
    SseEventReader reader = new SseEventReader(decoder::onEvent);
    for (String line : lines) {
      reader.line(line);
    }
    return decoder.finish();
  }

  /**
   * One SSE chunk of the same stream from the bytes on: the adapter's body reader splitting lines
   * (with its size caps), then the same path as {@link #streamPerChunk}.
   */
  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public ChatResponse streamPerChunkFromBytes(Blackhole bh) {
    OpenAiStreamDecoder decoder = new OpenAiStreamDecoder(
        "openai", "gpt-4o-mini", request, ModelExchange.streaming(bh::consume), Map.of());
    ChatResponse[] answer = new ChatResponse[1];
    ResponseBodies.Reader reader = ResponseBodies.events(decoder, 1L << 25, 1 << 20, new ResponseBodies.Outcome() {
      @Override
      public void complete(Supplier<ChatResponse> response) {
        answer[0] = response.get();
      }

      @Override
      public void fail(LlmException failure) {
        throw failure;
      }

      @Override
      public boolean done() {
        return answer[0] != null;
      }
    });
    reader.onSubscribe(NO_DEMAND);
    List<ByteBuffer> buffers = new ArrayList<>(body.size());
    for (ByteBuffer b : body) {
      buffers.add(b.duplicate());
    }
    reader.onNext(buffers);
    reader.onComplete();
    return answer[0];
  }

  private static final Flow.Subscription NO_DEMAND = new Flow.Subscription() {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  };

  /** Baseline: Jackson's tree model reading the same chunk JSON, nothing else. */
  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void baselineReadTreePerChunk(Blackhole bh) throws IOException {
    for (int c = 0; c < CHUNKS; c++) {
      JsonNode node = Json.MAPPER.readTree(CHUNK);
      bh.consume(node);
    }
  }

  /**
   * The HTTP request of a call built afresh (URL parsed, headers checked, key added), as the
   * adapter did before it kept a template per model.
   */
  @Benchmark
  public HttpRequest requestBuiltPerCall() {
    return settings.template("/chat/completions", false)
        .POST(HttpRequest.BodyPublishers.ofByteArray(response2k)).build();
  }

  /** The same request copied from the model's template, as the adapter does. */
  @Benchmark
  public HttpRequest requestFromTemplate() {
    return template.copy().POST(HttpRequest.BodyPublishers.ofByteArray(response2k)).build();
  }

  /** The request body of a short streaming request, for scale. */
  @Benchmark
  public byte[] requestBody() {
    return wire.requestBody(request, true);
  }
}
