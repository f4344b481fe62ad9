package dev.llmops.benchmarks;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.FinishReason;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The full-pipeline call of {@link FullPipelineBenchmark} (b) from 1, 2 and 8 threads sharing one
 * client, as throughput (calls per microsecond, all threads together). If a global lock
 * dominated, throughput would fall as threads are added; on a machine with N cores it should rise
 * to about N times the one-thread figure and then stay flat. The model is a stateless fake that
 * answers a fixed response at once, so the testkit's own synchronised fake does not become the
 * lock being measured; {@code directModel*} is that fake alone, for the ceiling.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FullPipelineThreadsBenchmark {
  private static final ModelInfo INFO = ModelInfo.of("fake", "fake-model");
  private static final CompletableFuture<ChatResponse> ANSWER = CompletableFuture.completedFuture(
      ChatResponse.of("fake-1", "fake-model", Peers.ANSWER, FinishReason.STOP, Usage.of(284, 8)));
  private static final ChatRequest REQUEST = ChatRequest.of("What is the capital of France?");

  private final ChatModel model = new ChatModel() {
    @Override
    public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
      return ANSWER;
    }

    @Override
    public ModelInfo info() {
      return INFO;
    }
  };
  private @Nullable AllCapabilities llmops;

  /** Builds the shared client. */
  @Setup(Level.Trial)
  public void setUp() {
    llmops = new AllCapabilities(model);
  }

  /** Closes it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    AllCapabilities l = llmops;
    if (l != null) {
      l.close();
    }
  }

  /** One thread's position: its own subjects and a ticket range no other thread uses. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
    long ticket;

    /** Starts this thread's tickets at its index times 2^40, so no two threads share a key. */
    @Setup(Level.Trial)
    public void setUp(ThreadParams threads) {
      next = threads.getThreadIndex() * 131;
      ticket = (long) threads.getThreadIndex() << 40;
    }
  }

  private Completion call(Cursor c) {
    AllCapabilities l = llmops;
    if (l == null) {
      throw new IllegalStateException("not set up");
    }
    return l.call(c.next++, c.ticket++);
  }

  /** The stateless fake alone, one thread. */
  @Benchmark
  @Threads(1)
  public ChatResponse directModel1() {
    return model.execute(REQUEST, ModelExchange.unary()).toCompletableFuture().join();
  }

  /** The stateless fake alone, two threads. */
  @Benchmark
  @Threads(2)
  public ChatResponse directModel2() {
    return model.execute(REQUEST, ModelExchange.unary()).toCompletableFuture().join();
  }

  /** Every capability on, one thread. */
  @Benchmark
  @Threads(1)
  public Completion llmops1(Cursor c) {
    return call(c);
  }

  /** Every capability on, two threads sharing the client. */
  @Benchmark
  @Threads(2)
  public Completion llmops2(Cursor c) {
    return call(c);
  }

  /** Every capability on, eight threads sharing the client. */
  @Benchmark
  @Threads(8)
  public Completion llmops8(Cursor c) {
    return call(c);
  }
}
