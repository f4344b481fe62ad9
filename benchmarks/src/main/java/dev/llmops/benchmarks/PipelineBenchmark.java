package dev.llmops.benchmarks;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.LlmClient;
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

/**
 * The pipeline's own cost: a direct {@link FakeChatModel} call against the same call through an
 * {@link LlmClient} with no optional steps. Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PipelineBenchmark {
  private FakeChatModel model = FakeChatModel.create();
  private LlmClient client = LlmClient.builder().model("fake", model).build();
  private ChatRequest request = ChatRequest.of("What is the capital of France?");

  /** A fake whose answer is scripted once, so both paths measure the same work. */
  @Setup(Level.Trial)
  public void setUp() {
    model = FakeChatModel.builder().recordRequests(false).build();
    model.when(r -> true).reply("Paris is the capital of France.");
    client = LlmClient.builder().model("fake", model).build();
    request = ChatRequest.of("What is the capital of France?");
  }

  /** Closes the client. */
  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
  }

  /** The model alone. */
  @Benchmark
  public ChatResponse directModel() {
    return model.execute(request, ModelExchange.unary()).toCompletableFuture().join();
  }

  /** The same call through the client with an empty pipeline. */
  @Benchmark
  public Completion throughClient() {
    return client.chat(request);
  }
}
