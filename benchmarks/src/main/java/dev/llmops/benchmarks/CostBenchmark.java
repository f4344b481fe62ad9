package dev.llmops.benchmarks;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Money;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.RateLimit;
import dev.llmops.core.budget.Window;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.tokens.TokenCounter;
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
 * What accounting costs per call: the plain client (baseline), the client with admission (a hard
 * money budget and a rate limit) and settlement, a cache hit, and token counting of a 2 KB prompt
 * (exact BPE against the byte bound admission uses). Run with {@code -prof gc} for B/op, and
 * {@code -t 2} for two threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CostBenchmark {
  private static final String ANSWER = "Paris is the capital of France.";

  private FakeChatModel model = FakeChatModel.create();
  private LlmClient plain = LlmClient.builder().model("fake", model).build();
  private LlmClient budgeted = plain;
  private LlmClient cached = plain;
  private ChatRequest request = ChatRequest.of("What is the capital of France?");
  private ChatRequest deterministic = request;
  private String prompt2kb = "";
  /** 1,024 equal copies of the 2 KB prompt: more than the byte-bound memo keeps, so never remembered. */
  private String[] unseen2kb = new String[0];
  private int unseenCursor;

  /** Builds the clients; the model is a priced one (gpt-4o in the bundled table). */
  @Setup(Level.Trial)
  public void setUp() {
    model = FakeChatModel.builder().provider("openai").modelId("gpt-4o").recordRequests(false).build();
    model.when(r -> true).reply(ANSWER);
    plain = LlmClient.builder().model("fake", model).build();
    budgeted = LlmClient.builder().model("fake", model)
        .accounting(Accounting.create())
        .budgets(Budgets.builder()
            .budget(Budget.money(dev.llmops.core.budget.Scope.GLOBAL, Money.usd("1000000000"), Window.daily()))
            // One request per nanosecond: never reached, so every call is admitted and the check
            // is measured. (The earlier 9.2 million a minute ran out after about five seconds once
            // a call took under 0.5 us.)
            .rateLimit(RateLimit.requestsPerMinute(dev.llmops.core.budget.Scope.TENANT, 60_000_000_000L))
            .build())
        .build();
    cached = LlmClient.builder().model("fake", model).cache(ResponseCache.builder().build()).build();
    request = ChatRequest.builder().user("What is the capital of France?").maxOutputTokens(64).build();
    deterministic = ChatRequest.builder().user("What is the capital of France?").temperature(0).build();
    cached.chat(deterministic);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 2048) {
      sb.append("Please summarise the customer's last three orders and suggest a polite reply. ");
    }
    prompt2kb = sb.substring(0, 2048);
    unseen2kb = new String[1024];
    for (int i = 0; i < unseen2kb.length; i++) {
      unseen2kb[i] = new String(prompt2kb.toCharArray());
    }
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
    plain.close();
    budgeted.close();
    cached.close();
  }

  /** Baseline: the client with no optional steps. */
  @Benchmark
  public Completion baselineClient() {
    return plain.chat(request);
  }

  /** Admission (budget reservation, rate limit) plus per-attempt costing and settlement. */
  @Benchmark
  public Completion admissionAndSettlement() {
    return budgeted.chat(request);
  }

  /** A call answered by the response cache. */
  @Benchmark
  public Completion cacheHit() {
    return cached.chat(deterministic);
  }

  /** Exact o200k_base count of a 2 KB prompt (what admission avoids). */
  @Benchmark
  public long countTokens2kb() {
    return TokenCounter.o200k().count(prompt2kb);
  }

  /**
   * The safe upper bound (UTF-8 bytes) of the same prompt, which admission reserves on: the same
   * string instance every time, so after the first call the bound comes from the memo.
   */
  @Benchmark
  public long upperBound2kb() {
    return TokenCounter.upperBound(prompt2kb);
  }

  /**
   * The same bound of a 2 KB prompt the memo has not seen (rotating through 1,024 equal copies):
   * the scan, plus the memo's miss.
   */
  @Benchmark
  public long upperBound2kbUnseen() {
    return TokenCounter.upperBound(unseen2kb[unseenCursor++ & 1023]);
  }
}
