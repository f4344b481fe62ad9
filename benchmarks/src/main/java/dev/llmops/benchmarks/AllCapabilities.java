package dev.llmops.benchmarks;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.Money;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.Scope;
import dev.llmops.core.budget.Window;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.pricing.Rates;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.core.resilience.CircuitBreakerPolicy;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.otel.OtelInstrumentation;
import dev.llmops.testkit.FakeChatModel;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * One client with every capability on, over a given fake model, for the full-pipeline benchmarks:
 * a prompt resolved by label and rendered (the ~1 KB support template of {@link PromptBenchmark}
 * with six variables), a running A/B experiment between two endpoints on the call's subject, a
 * tenant money budget (never exhausted) with admission and settlement, accounting with a price
 * override for the fake model, the response cache (every call misses: see {@link #call}), retries
 * (3 attempts) behind a circuit breaker, a span and the GenAI metrics on the OpenTelemetry SDK
 * ({@link TelemetryBenchmark#droppingSdk}: always-on sampling, exporters that drop), and one redacted DEBUG log line per call.
 *
 * <p>Thread-safe: one instance serves every benchmark thread; each thread passes its own cursor.
 */
final class AllCapabilities implements AutoCloseable {
  /** A capability {@link FullPipelineAblationBenchmark} can leave out, to see what it costs. */
  enum Part { EXPERIMENT, BUDGET, CACHE, RESILIENCE, TELEMETRY, LOG }

  /** Subjects (and so experiment assignments) rotate through this many precomputed contexts. */
  static final int CONTEXTS = 1024;

  private static final RedactingLogger LOG = RedactingLogger.of("dev.llmops.benchmarks.support");

  private final LlmClient client;
  private final OpenTelemetrySdk sdk;
  private final CallContext[] contexts = new CallContext[CONTEXTS];
  private final Map<String, Object> variables;
  private final ChatRequest parameters;
  private final boolean log;

  /** The fake every full-pipeline benchmark calls: model id {@code fake-model}, answering {@link Peers#ANSWER}. */
  static FakeChatModel fake() {
    FakeChatModel fake = FakeChatModel.builder().modelId("fake-model").recordRequests(false).build();
    fake.when(r -> true).reply(Peers.ANSWER);
    return fake;
  }

  /** The running A/B experiment: endpoint {@code a} against endpoint {@code b}, 50/50. */
  static Experiment modelSwap() {
    return Experiment.builder("model-swap")
        .variant(Variant.of("control").withModel("a"))
        .variant(Variant.of("candidate").withModel("b"))
        .weights(0.5, 0.5)
        .build();
  }

  /** Every capability on. */
  AllCapabilities(ChatModel model) {
    this(model, EnumSet.noneOf(Part.class));
  }

  /** Every capability but those in {@code without}. */
  AllCapabilities(ChatModel model, Set<Part> without) {
    for (int i = 0; i < CONTEXTS; i++) {
      contexts[i] = CallContext.ofTenant("tenant-" + (i & 7)).withSubject("user-" + Integer.toHexString(i * 7919));
    }
    PromptVersion v1 = PromptVersion.builder("support", 1)
        .system(PromptBenchmark.SYSTEM).user(PromptBenchmark.USER + " (ticket {{ticket}})").model("a").build();
    PromptRegistry prompts = PromptRegistry.builder()
        .source(InMemoryPromptSource.builder().add(v1).label("support", "production", 1).build())
        .timeToLive(Duration.ofHours(1))
        .executor(Runnable::run)
        .build();
    variables = PromptBenchmark.VARIABLES;
    Experiment ab = modelSwap();
    PriceCatalog catalog = PriceCatalog.bundled()
        .withOverride(model.info().modelId(), ModelPrice.of(model.info().modelId(), Rates.perMillion("2.50", "10.00")));
    sdk = TelemetryBenchmark.droppingSdk();
    LlmClient.Builder b = LlmClient.builder()
        .model("a", model)
        .model("b", model)
        .prompts(prompts)
        .accounting(Accounting.builder().catalog(catalog).build());
    if (!without.contains(Part.EXPERIMENT)) {
      b.experiments(Experiments.of(ab));
    }
    if (!without.contains(Part.BUDGET)) {
      b.budgets(Budgets.builder()
          .budget(Budget.money(Scope.TENANT, Money.usd("1000000000"), Window.daily()))
          .build());
    }
    if (!without.contains(Part.CACHE)) {
      b.cache(ResponseCache.builder().build());
    }
    if (!without.contains(Part.RESILIENCE)) {
      b.resilience(Resilience.builder()
          .maxAttempts(3)
          .circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(5, Duration.ofSeconds(30)))
          .build());
    }
    if (!without.contains(Part.TELEMETRY)) {
      b.listener(OtelInstrumentation.create(sdk));
    }
    client = b.build();
    log = !without.contains(Part.LOG);
    // Temperature 0 makes every call cacheable; the ticket variable makes every call a miss.
    parameters = ChatRequest.builder().temperature(0).maxOutputTokens(256).build();
  }

  /**
   * One call: the support prompt for context {@code cursor % 1024} with ticket number {@code
   * ticket}. The ticket is part of the rendered user message, so each call's cache key is new:
   * the cache hashes the request, looks it up, misses, and stores the answer (evicting an old one
   * once it holds 10,000). Then one redacted DEBUG line.
   */
  Completion call(int cursor, long ticket) {
    CallContext context = contexts[cursor & (CONTEXTS - 1)];
    Completion c = client.prompt("support")
        .variables(variables)
        .variable("ticket", ticket)
        .context(context)
        .request(parameters)
        .call();
    ChatResponse r = c.response();
    if (!log) {
      return c;
    }
    LOG.debug("ticket {} for {} answered by {} ({} output tokens)",
        ticket, context.subject(), r.model(), r.usage().outputTokens());
    return c;
  }

  @Override
  public void close() {
    client.close();
    sdk.close();
  }
}
