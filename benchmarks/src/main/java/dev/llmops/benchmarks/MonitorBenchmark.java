package dev.llmops.benchmarks;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.eval.monitor.DriftMonitor;
import dev.llmops.eval.monitor.ModelChangeDetector;
import java.util.concurrent.CompletableFuture;
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
 * What the call-path monitors add to a call: a client with no listener against one with a {@link
 * DriftMonitor} and a {@link ModelChangeDetector} (the listeners that record every call; online
 * evaluation only hashes the call id of unsampled calls). The difference of the two is the
 * monitors' cost per call; run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class MonitorBenchmark {
  private static final CompletableFuture<ChatResponse> ANSWER = CompletableFuture.completedFuture(
      ChatResponse.of("fixed", "fixed-model", "Paris is the capital of France.", FinishReason.STOP, Usage.of(8, 7)));
  private final ChatModel model = (request, exchange) -> ANSWER;
  private LlmClient plain = LlmClient.builder().model("a", model).build();
  private LlmClient monitored = plain;
  private final ChatRequest request = ChatRequest.builder().model("a").user("What is the capital of France?").build();
  private final CallContext context = CallContext.ofSubject("u-1").withFeature("support");

  /** Builds both clients. */
  @Setup(Level.Trial)
  public void setUp() {
    plain = LlmClient.builder().model("a", model).build();
    DriftMonitor drift = DriftMonitor.builder().build();
    monitored = LlmClient.builder().model("a", model)
        .listener(drift).listener(ModelChangeDetector.builder().driftMonitor(drift).build()).build();
  }

  /** Closes both clients. */
  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    monitored.close();
  }

  /** A call with no monitor. */
  @Benchmark
  public Completion plainCall() {
    return plain.request(request).context(context).call();
  }

  /** The same call with the drift monitor and the model change detector listening. */
  @Benchmark
  public Completion monitoredCall() {
    return monitored.request(request).context(context).call();
  }
}
