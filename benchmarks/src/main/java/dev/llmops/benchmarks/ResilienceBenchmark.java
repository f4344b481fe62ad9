package dev.llmops.benchmarks;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.resilience.CircuitBreakerPolicy;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.testkit.FakeChatModel;
import java.time.Duration;
import java.util.SplittableRandom;
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
 * What the resilience step adds to a call that succeeds at once: a bare pipeline against the same
 * pipeline with retries only, and with everything (retries, breaker, bulkhead, deadline and attempt
 * timeout on the client's default scheduler). Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ResilienceBenchmark {
  private static final String ANSWER = "Paris is the capital of France.";

  private FakeChatModel model = FakeChatModel.create();
  private LlmClient bare = LlmClient.builder().model("fake", model).build();
  private LlmClient retries = bare;
  private LlmClient full = bare;
  private ChatRequest request = ChatRequest.of("What is the capital of France?");

  /** Three clients over one scripted fake. */
  @Setup(Level.Trial)
  public void setUp() {
    model = FakeChatModel.builder().recordRequests(false).build();
    model.when(r -> true).reply(ANSWER);
    bare = LlmClient.builder().model("fake", model).build();
    retries = LlmClient.builder().model("fake", model).resilience(Resilience.builder().maxAttempts(3).build()).build();
    full =
        LlmClient.builder()
            .model("fake", model)
            .resilience(
                Resilience.builder()
                    .maxAttempts(3)
                    .random(new SplittableRandom(1))
                    .deadline(Duration.ofSeconds(60))
                    .attemptTimeout(Duration.ofSeconds(20))
                    .circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(5, Duration.ofSeconds(30)))
                    .bulkhead(64, Duration.ofMillis(100))
                    .build())
            .build();
    request = ChatRequest.of("What is the capital of France?");
  }

  /** Forgets the fake's recorded requests so memory stays flat. */
  @Setup(Level.Iteration)
  public void forget() {
    model.reset();
    model.when(r -> true).reply(ANSWER);
  }

  /** Closes the clients. */
  @TearDown(Level.Trial)
  public void tearDown() {
    bare.close();
    retries.close();
    full.close();
  }

  /** The pipeline with no steps: the baseline. */
  @Benchmark
  public Completion bare() {
    return bare.chat(request);
  }

  /** The resilience step with retries only (Failsafe retry, no timer). */
  @Benchmark
  public Completion retriesOnly() {
    return retries.chat(request);
  }

  /** The resilience step with retries, breaker, bulkhead, deadline and attempt timeout. */
  @Benchmark
  public Completion everything() {
    return full.chat(request);
  }
}
