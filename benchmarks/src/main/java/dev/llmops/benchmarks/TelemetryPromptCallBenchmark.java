package dev.llmops.benchmarks;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.pricing.Rates;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.otel.OtelInstrumentation;
import dev.llmops.testkit.FakeChatModel;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
 * The cost of spans and metrics for a call that carries what llmops adds to a span: a prompt
 * resolved and rendered, an A/B experiment assignment, a priced cost, a tenant and two generation
 * parameters. The same call through a client without and with {@link OtelInstrumentation} on the
 * OpenTelemetry SDK (as in {@link TelemetryBenchmark}: always-on sampling, exporters that drop);
 * the difference is the telemetry's cost. {@link TelemetryBenchmark} measures a bare call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TelemetryPromptCallBenchmark {
  private static final int CONTEXTS = 64;

  private final FakeChatModel model = FakeChatModel.builder().modelId("fake-model").recordRequests(false).build();
  private final CallContext[] contexts = new CallContext[CONTEXTS];
  private LlmClient plain = LlmClient.builder().model("a", model).build();
  private LlmClient instrumented = plain;
  private OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().build();
  private final ChatRequest parameters = ChatRequest.builder().temperature(0).maxOutputTokens(256).build();
  private int cursor;

  /** Builds both clients over one fake and the SDK. */
  @Setup(Level.Trial)
  public void setUp() {
    model.when(r -> true).reply(Peers.ANSWER);
    for (int i = 0; i < CONTEXTS; i++) {
      contexts[i] = CallContext.ofTenant("tenant-" + (i & 7)).withSubject("user-" + Integer.toHexString(i * 7919));
    }
    sdk = TelemetryBenchmark.droppingSdk();
    plain = client(b -> b);
    instrumented = client(b -> b.listener(OtelInstrumentation.create(sdk)));
  }

  private LlmClient client(UnaryOperator<LlmClient.Builder> telemetry) {
    PromptVersion v1 = PromptVersion.builder("support", 1)
        .system(PromptBenchmark.SYSTEM).user(PromptBenchmark.USER).model("a").build();
    PromptRegistry prompts = PromptRegistry.builder()
        .source(InMemoryPromptSource.builder().add(v1).label("support", "production", 1).build())
        .timeToLive(Duration.ofHours(1))
        .executor(Runnable::run)
        .build();
    Experiment ab = AllCapabilities.modelSwap();
    PriceCatalog catalog = PriceCatalog.bundled()
        .withOverride("fake-model", ModelPrice.of("fake-model", Rates.perMillion("2.50", "10.00")));
    return telemetry.apply(LlmClient.builder()
            .model("a", model)
            .model("b", model)
            .prompts(prompts)
            .experiments(Experiments.of(ab))
            .accounting(Accounting.builder().catalog(catalog).build()))
        .build();
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    instrumented.close();
    sdk.close();
  }

  private Completion call(LlmClient client) {
    return client.prompt("support")
        .variables(PromptBenchmark.VARIABLES)
        .context(contexts[cursor++ & (CONTEXTS - 1)])
        .request(parameters)
        .call();
  }

  /** The prompt call without telemetry. */
  @Benchmark
  public Completion withoutTelemetry() {
    return call(plain);
  }

  /** The same call with one span (17 attributes) and the GenAI and cost metrics. */
  @Benchmark
  public Completion withTelemetry() {
    return call(instrumented);
  }
}
