package dev.llmops.benchmarks;

import dev.langchain4j.data.message.UserMessage;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.testkit.FakeChatModel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClient;

/**
 * One call, four ways, in one run: (a) a direct fake call; (b) an llmops call with every capability
 * on; (c) LangChain4j's {@code ChatModel.chat} with a listener; (d) Spring AI's {@code ChatClient}
 * with a Micrometer observation registry and meter handler. All over equivalent fakes: each
 * answers {@link Peers#ANSWER} at once. (b) is {@link AllCapabilities}: see there for what each
 * call does, and why each call is an honest cache miss. Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FullPipelineBenchmark {
  private FakeChatModel fake = FakeChatModel.create();
  private ChatRequest request = ChatRequest.of("What is the capital of France?");
  private Peers.LangChain4jFake langChain4j = new Peers.LangChain4jFake();
  private dev.langchain4j.model.chat.request.ChatRequest langChain4jRequest =
      dev.langchain4j.model.chat.request.ChatRequest.builder()
          .messages(UserMessage.from("What is the capital of France?")).build();
  private ChatClient springAi = Peers.springAiClient();
  private @Nullable AllCapabilities llmops;
  private int cursor;
  private long ticket;

  /** Builds the fakes and clients once. */
  @Setup(Level.Trial)
  public void setUp() {
    fake = FakeChatModel.builder().recordRequests(false).build();
    fake.when(r -> true).reply(Peers.ANSWER);
    langChain4j = new Peers.LangChain4jFake();
    springAi = Peers.springAiClient();
    llmops = new AllCapabilities(AllCapabilities.fake());
  }

  /** Closes the llmops client and its OpenTelemetry SDK. */
  @TearDown(Level.Trial)
  public void tearDown() {
    AllCapabilities l = llmops;
    if (l != null) {
      l.close();
    }
  }

  /** (a) The fake alone. */
  @Benchmark
  public ChatResponse a_directFake() {
    return fake.execute(request, ModelExchange.unary()).toCompletableFuture().join();
  }

  /**
   * (b) llmops with every capability on: prompt resolve and render, experiment assignment,
   * admission and settlement, a cache miss, retry and breaker, span and metrics, one redacted DEBUG
   * log line.
   */
  @Benchmark
  public Completion b_llmops() {
    AllCapabilities l = llmops;
    if (l == null) {
      throw new IllegalStateException("not set up");
    }
    return l.call(cursor++, ticket++);
  }

  /** (c) LangChain4j 1.19 {@code ChatModel.chat} with a {@code ChatModelListener}. */
  @Benchmark
  public dev.langchain4j.model.chat.response.ChatResponse c_langChain4j() {
    return langChain4j.chat(langChain4jRequest);
  }

  /** (d) Spring AI {@code ChatClient} with an observation registry and meter handler. */
  @Benchmark
  public org.springframework.ai.chat.model.@Nullable ChatResponse d_springAi() {
    return springAi.prompt().user("What is the capital of France?").call().chatResponse();
  }
}
