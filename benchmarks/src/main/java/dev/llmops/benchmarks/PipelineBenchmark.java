package dev.llmops.benchmarks;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.LlmClient;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.otel.OtelInstrumentation;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.time.Duration;
import java.util.Map;
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
 * {@link LlmClient} with no optional steps, and through one with the prompt, experiment and
 * telemetry steps on (a 1 KB prompt rendered per call, a three-way experiment, a span and the
 * metrics on the OpenTelemetry SDK). Run with {@code -prof gc} for B/op.
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
  private LlmClient withSteps = client;
  private OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().build();
  private final CallContext[] subjects = new CallContext[SUBJECTS];
  private Map<String, Object> variables = Map.of();
  private int next;
  private static final int SUBJECTS = 1024;

  /** A fake whose answer is scripted once, so both paths measure the same work. */
  @Setup(Level.Trial)
  public void setUp() {
    model = FakeChatModel.builder().recordRequests(false).build();
    model.when(r -> true).reply("Paris is the capital of France.");
    client = LlmClient.builder().model("fake", model).build();
    request = ChatRequest.of("What is the capital of France?");

    PromptVersion v1 = PromptVersion.builder("support", 1)
        .system(PromptBenchmark.SYSTEM).user(PromptBenchmark.USER).model("fake").build();
    PromptRegistry prompts = PromptRegistry.builder()
        .source(InMemoryPromptSource.builder().add(v1).label("support", "production", 1).build())
        .timeToLive(Duration.ofHours(1))
        .executor(Runnable::run)
        .build();
    Experiment experiment = Experiment.builder("model-swap")
        .prompt("support")
        .variant(Variant.of("control"))
        .variant(Variant.of("candidate").withModel("other"))
        .variant(Variant.of("third"))
        .weights(0.5, 0.3, 0.2)
        .build();
    sdk = TelemetryBenchmark.droppingSdk();
    withSteps = LlmClient.builder()
        .model("fake", model)
        .model("other", model)
        .prompts(prompts)
        .experiments(Experiments.of(experiment))
        .listener(OtelInstrumentation.create(sdk))
        .build();
    for (int i = 0; i < SUBJECTS; i++) {
      subjects[i] = CallContext.ofSubject("user-" + Integer.toHexString(i * 7919));
    }
    variables = PromptBenchmark.VARIABLES;
  }

  /** Closes the client. */
  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    withSteps.close();
    sdk.close();
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

  /**
   * A prompt call (resolve and render 1 KB) through the prompt, experiment (subjects rotate through
   * 1,024 ids) and telemetry steps.
   */
  @Benchmark
  public Completion withPromptExperimentAndTelemetry() {
    int i = next;
    next = (i + 1) & (SUBJECTS - 1);
    return withSteps.prompt("support").variables(variables).context(subjects[i]).call();
  }
}
