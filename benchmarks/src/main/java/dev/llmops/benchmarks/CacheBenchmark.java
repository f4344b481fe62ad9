package dev.llmops.benchmarks;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.testkit.FakeChatModel;
import java.time.Duration;
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
 * What the response cache costs per call, apart from the rest of the pipeline: the support prompt
 * of {@link PromptBenchmark} (six variables, one a fresh ticket number per call) through a client
 * with accounting and no cache (baseline), then with the cache full at its 10,000 entries where every call misses,
 * stores and evicts ({@code promptMiss}), and answered from it ({@code promptHit}); and a
 * hand-written request of about 300 characters keyed on the whole request ({@code requestMiss},
 * {@code requestHit}). The cache's cost is each figure less the baseline of its kind. Run with
 * {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CacheBenchmark {
  private static final String QUESTION = "My parcel was due yesterday and the tracking page has not moved since "
      + "Monday. I paid for next-day delivery and need it for a birthday on Saturday. Can you tell me "
      + "where it is, whether it will arrive before the weekend, and how I ask for a refund of the fee? ";

  private LlmClient uncached = LlmClient.builder().model("fake", FakeChatModel.create()).build();
  private LlmClient cached = uncached;
  private long ticket;

  /** Builds both clients over one fake and fills the cache. */
  @Setup(Level.Trial)
  public void setUp() {
    FakeChatModel model = FakeChatModel.builder().modelId("fake-model").recordRequests(false).build();
    model.when(r -> true).reply("Your parcel is on its way.");
    uncached = client(model, null);
    cached = client(model, ResponseCache.builder().build());
    for (int i = 0; i < 20_000; i++) {
      promptMiss();
      requestMiss();
    }
    promptHit();
    requestHit();
  }

  private static LlmClient client(FakeChatModel model, @Nullable ResponseCache cache) {
    PromptVersion v1 = PromptVersion.builder("support", 1)
        .system(PromptBenchmark.SYSTEM).user(PromptBenchmark.USER + " (ticket {{ticket}})").build();
    PromptRegistry prompts = PromptRegistry.builder()
        .source(InMemoryPromptSource.builder().add(v1).label("support", "production", 1).build())
        .timeToLive(Duration.ofHours(1))
        .executor(Runnable::run)
        .build();
    // Accounting on both: the cache turns it on, and only the cache's own cost is to be measured.
    LlmClient.Builder b = LlmClient.builder().model("fake", model).prompts(prompts).accounting(Accounting.create());
    if (cache != null) {
      b.cache(cache);
    }
    return b.build();
  }

  /** Closes the clients. */
  @TearDown(Level.Trial)
  public void tearDown() {
    uncached.close();
    cached.close();
  }

  private Completion prompt(LlmClient client, long number) {
    return client.prompt("support").variables(PromptBenchmark.VARIABLES).variable("ticket", number)
        .request(ChatRequest.builder().temperature(0).maxOutputTokens(256).build()).call();
  }

  private static ChatRequest request(long number) {
    return ChatRequest.builder().system("You are a helpful support agent.").user(QUESTION + number)
        .temperature(0).maxOutputTokens(256).build();
  }

  /** Baseline: the prompt call without a cache. */
  @Benchmark
  public Completion promptNoCache() {
    return prompt(uncached, ticket++);
  }

  /** A prompt call that misses a full cache: key, lookup, model call, store, eviction. */
  @Benchmark
  public Completion promptMiss() {
    return prompt(cached, ticket++);
  }

  /** A prompt call answered from the cache. */
  @Benchmark
  public Completion promptHit() {
    return prompt(cached, -1);
  }

  /** Baseline: the hand-written request without a cache. */
  @Benchmark
  public Completion requestNoCache() {
    return uncached.chat(request(ticket++));
  }

  /** A hand-written request that misses a full cache. */
  @Benchmark
  public Completion requestMiss() {
    return cached.chat(request(ticket++));
  }

  /** A hand-written request answered from the cache. */
  @Benchmark
  public Completion requestHit() {
    return cached.chat(request(-1));
  }
}
