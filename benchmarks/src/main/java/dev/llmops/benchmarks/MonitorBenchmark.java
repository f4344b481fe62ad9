package dev.llmops.benchmarks;

import dev.llmops.api.CallContext;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Interceptor.Chain;
import dev.llmops.api.Money;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.eval.monitor.DriftMonitor;
import dev.llmops.eval.monitor.ModelChangeDetector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * monitors' cost per call; run with {@code -prof gc} for B/op. The {@code ...Tagged} pair puts a
 * prompt-and-experiment fingerprint and a cost on every call (one step, in both clients), so the
 * slice has every part of its key and the cost signal is recorded too.
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
  private static final Fingerprint FINGERPRINT =
      new Fingerprint("support-reply", 3, "abc123", "a", "p1", "model-upgrade", "next");
  private static final Cost COST = new Cost(Money.usd("0.0021"), Money.usd("0.0021"), Money.ZERO, Money.ZERO,
      Money.ZERO, Money.ZERO, false, "bench", "fixed-model");
  private LlmClient plain = LlmClient.builder().model("a", model).build();
  private LlmClient monitored = plain;
  private LlmClient listened = plain;
  private LlmClient plainTagged = plain;
  private LlmClient monitoredTagged = plain;
  private final ChatRequest request = ChatRequest.builder().model("a").user("What is the capital of France?").build();
  private final CallContext context = CallContext.ofSubject("u-1").withFeature("support");

  /** Builds both clients. */
  @Setup(Level.Trial)
  public void setUp() {
    plain = LlmClient.builder().model("a", model).build();
    DriftMonitor drift = DriftMonitor.builder().build();
    monitored = LlmClient.builder().model("a", model)
        .listener(drift).listener(ModelChangeDetector.builder().driftMonitor(drift).build()).build();
    listened = LlmClient.builder().model("a", model).listener(new CallListener() {}).build();
    plainTagged = LlmClient.builder().model("a", model).step(PipelineStep.PROMPT, MonitorBenchmark::tag).build();
    DriftMonitor taggedDrift = DriftMonitor.builder().build();
    monitoredTagged = LlmClient.builder().model("a", model).step(PipelineStep.PROMPT, MonitorBenchmark::tag)
        .listener(taggedDrift).listener(ModelChangeDetector.builder().driftMonitor(taggedDrift).build()).build();
  }

  private static CompletionStage<ChatResponse> tag(Chain chain) {
    chain.call().attributes().put(Fingerprint.KEY, FINGERPRINT);
    chain.call().attributes().put(Cost.KEY, COST);
    return chain.proceed(chain.request());
  }

  /** Closes both clients. */
  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    monitored.close();
    listened.close();
    plainTagged.close();
    monitoredTagged.close();
  }

  /** A call with no monitor. */
  @Benchmark
  public Completion plainCall() {
    return plain.request(request).context(context).call();
  }

  /**
   * The same call with a listener that does nothing: what having any listener costs the pipeline
   * (the attempt and the call are then seen by someone), apart from what the monitors do.
   */
  @Benchmark
  public Completion listenedCall() {
    return listened.request(request).context(context).call();
  }

  /** The same call with the drift monitor and the model change detector listening. */
  @Benchmark
  public Completion monitoredCall() {
    return monitored.request(request).context(context).call();
  }

  /** A call with a prompt, an experiment variant and a cost, and no monitor. */
  @Benchmark
  public Completion plainTaggedCall() {
    return plainTagged.request(request).context(context).call();
  }

  /** The same call with the drift monitor and the model change detector listening. */
  @Benchmark
  public Completion monitoredTaggedCall() {
    return monitoredTagged.request(request).context(context).call();
  }
}
