package dev.llmops.benchmarks;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.GrowthBook;
import dev.llmops.core.experiment.Variant;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import java.util.concurrent.CompletableFuture;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of experiment assignment per call: GrowthBook hashing alone, a full {@link
 * Experiment#assign} (forced-variant lookup, namespace, hash, bucket ranges), and a call through a
 * client with and without the experiment step. Subjects rotate through 1,024 precomputed ids so
 * the benchmark measures assignment, not string building. The model answers a fixed response and
 * keeps nothing (a recording fake would retain every request the variant rewrote, and the growing
 * live set would be measured instead of the step). Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ExperimentBenchmark {
  private static final int SUBJECTS = 1024;

  private final String[] subjects = new String[SUBJECTS];
  private final CallContext[] contexts = new CallContext[SUBJECTS];
  private int next;
  private Experiment experiment = Experiment.builder("x").variant(Variant.of("a")).variant(Variant.of("b")).build();
  private static final CompletableFuture<ChatResponse> ANSWER = CompletableFuture.completedFuture(
      ChatResponse.of("fixed", "fixed-model", "Paris is the capital of France.", FinishReason.STOP, Usage.of(8, 7)));
  private final ChatModel model = (request, exchange) -> ANSWER;
  private LlmClient plain = LlmClient.builder().model("a", model).build();
  private LlmClient withExperiment = plain;
  private ChatRequest request = ChatRequest.of("What is the capital of France?");

  /** Builds the subjects, the experiment and both clients. */
  @Setup(Level.Trial)
  public void setUp() {
    for (int i = 0; i < SUBJECTS; i++) {
      subjects[i] = "user-" + Integer.toHexString(i * 7919);
      contexts[i] = CallContext.ofSubject(subjects[i]);
    }
    experiment = Experiment.builder("model-swap")
        .variant(Variant.of("control").withModel("a"))
        .variant(Variant.of("candidate").withModel("b"))
        .variant(Variant.of("third").withModel("a"))
        .weights(0.5, 0.3, 0.2)
        .coverage(0.9)
        .force("qa-user", "candidate")
        .build();
    plain = LlmClient.builder().model("a", model).model("b", model).build();
    withExperiment = LlmClient.builder().model("a", model).model("b", model)
        .experiments(Experiments.of(experiment)).build();
    request = ChatRequest.of("What is the capital of France?");
  }

  /** Closes the clients. */
  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    withExperiment.close();
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) & (SUBJECTS - 1);
    return i;
  }

  /** GrowthBook's version-1 hash of a subject: the floor of what assignment costs. */
  @Benchmark
  public double hashV1() {
    return GrowthBook.hash("model-swap", subjects[nextIndex()], 1);
  }

  /** GrowthBook's version-2 hash (two FNV passes). */
  @Benchmark
  public double hashV2() {
    return GrowthBook.hash("model-swap", subjects[nextIndex()], 2);
  }

  /** A full assignment: status, override, forced lookup, hash, bucket ranges; allocates the result. */
  @Benchmark
  public @Nullable Assignment assign() {
    return experiment.assign(subjects[nextIndex()]);
  }

  /** A call through a client with no experiment step (the baseline for the next one). */
  @Benchmark
  public Completion callWithoutExperiments() {
    return plain.chat(request, contexts[nextIndex()]);
  }

  /** The same call through a client whose experiment step assigns it and applies the variant. */
  @Benchmark
  public Completion callWithExperiment() {
    return withExperiment.chat(request, contexts[nextIndex()]);
  }
}
