package dev.llmops.otel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.api.Money;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.UnknownModelPolicy;
import dev.llmops.core.audit.AuditBridges;
import dev.llmops.core.audit.AuditLog;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.OverLimit;
import dev.llmops.core.budget.RateLimit;
import dev.llmops.core.budget.Scope;
import dev.llmops.core.budget.Window;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.pricing.Rates;
import dev.llmops.core.prompt.FilePromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.redaction.PiiType;
import dev.llmops.core.redaction.RedactionMode;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.core.resilience.CircuitBreakerPolicy;
import dev.llmops.core.transcript.TranscriptStore;
import dev.llmops.otel.GenAiConventions;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.config.ConfigBindings;
import dev.llmops.core.config.LlmOpsComponents;
import dev.llmops.core.config.LlmOpsConfig;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.core.transcript.Transcript;
import dev.llmops.otel.OtelInstrumentation;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import dev.llmops.testkit.server.FakeOpenAiServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full example configuration builds a working client over fake models: one call passes the
 * prompt, experiment, budget, cache, resilience (retry, then fallback), telemetry and transcript
 * steps, and the same file as JSON behaves the same.
 */
class ConfiguredClientTest {
  private static final String QUESTION = "My card was charged twice, reach me at ana.lima@example.org";

  /** Everything one run of the scenario observed, to compare YAML with JSON. */
  record Outcome(
      String text, String endpoint, int attempts, String promptVersion, String variant, String fallback,
      boolean secondCallCached, List<String> ledger, BigDecimal cost, List<String> spans, List<String> audit,
      int transcripts, String budgetRejection) {

    /** This outcome with the audit actions recorded; read after the client's close flushed its queue. */
    Outcome withAudit(List<AuditEvent> events) {
      return new Outcome(text, endpoint, attempts, promptVersion, variant, fallback, secondCallCached, ledger, cost,
          spans, events.stream().map(AuditEvent::action).toList(), transcripts, budgetRejection);
    }
  }

  private static final class World {
    final TestClock clock = TestClock.create();
    final ManualScheduler scheduler = ManualScheduler.on(clock);
    final FakeChatModel smart = FakeChatModel.builder().provider("openai").modelId("gpt-4o").seed(1).build();
    final FakeChatModel cheap = FakeChatModel.builder().provider("anthropic").modelId("claude-haiku-4-5").seed(2).build();
    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    final InMemoryLedger ledger = InMemoryLedger.create();
    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

    ConfigBindings bindings(Path base) {
      return ConfigBindings.builder()
          .model("smart", smart)
          .model("cheap", cheap)
          .environment(Map.<String, String>of()::get)
          .baseDirectory(base)
          .clock(clock)
          .scheduler(scheduler)
          .ledger(ledger)
          .auditSink(audit::add)
          .telemetry(OtelInstrumentation.factory(otel))
          .random(RandomGenerator.of("L64X128MixRandom"))
          .promptExecutor(Runnable::run)
          .build();
    }
  }

  private static Path resources() throws URISyntaxException {
    return Path.of(Objects.requireNonNull(ConfiguredClientTest.class.getResource("/config/full.yaml")).toURI()).getParent();
  }

  private static Outcome run(LlmOpsConfig config, World w) throws Exception {
    LlmOpsComponents components = config.assemble(w.bindings(resources()));
    return run(components.clientBuilder(), components.transcripts().orElseThrow(), w);
  }

  private static Outcome run(LlmClient.Builder builder, TranscriptStore transcriptStore, World w) throws Exception {
    Outcome outcome;
    try (LlmClient client = builder.build()) {
      assertThat(client.steps()).containsExactly(PipelineStep.EXPERIMENT, PipelineStep.PROMPT, PipelineStep.ADMISSION,
          PipelineStep.CACHE, PipelineStep.RESILIENCE, PipelineStep.ACCOUNTING);
      w.smart.failWith(Fault.serverError(503)).times(2);
      CallContext ctx = CallContext.ofTenant("acme").withSubject("user-1").withApiKeyId("key-1");

      CompletableFuture<Completion> first = client.prompt("support-reply").variable("question", QUESTION).context(ctx).callAsync();
      w.clock.advance(Duration.ofSeconds(1)); // the retry's backoff runs on the manual scheduler
      Completion c = first.get(5, TimeUnit.SECONDS);

      Completion again = client.prompt("support-reply").variable("question", QUESTION).context(ctx).call();

      String rejection = "";
      try {
        client.chat(ChatRequest.builder().model("smart").user("long essay").maxOutputTokens(100_000).build(), ctx);
      } catch (BudgetExceededException e) {
        rejection = e.getClass().getSimpleName();
      }

      Fingerprint fp = c.attribute(Fingerprint.KEY).orElseThrow();
      List<Transcript> transcripts = transcriptStore.all();
      for (Transcript t : transcripts) {
        assertThat(t.messages()).allSatisfy(m -> assertThat(m.content()).doesNotContain("ana.lima@example.org"));
      }
      outcome = new Outcome(
          c.text(), c.endpoint(), c.attempts(), fp.promptVersion() + "", String.valueOf(fp.variant()),
          c.attribute(Resilience.FALLBACK).map(f -> f.from() + "->" + f.to()).orElse(""),
          again.attribute(ResponseCache.HIT).isPresent() && again.attempts() == 0,
          w.ledger.records().stream().map(r -> r.endpoint() + ":" + r.outcome()).toList(),
          c.attribute(Cost.KEY).flatMap(Cost::amount).orElseThrow().amount(),
          w.spans.getFinishedSpanItems().stream().map(SpanData::getName).sorted().toList(),
          List.of(),
          transcripts.size(),
          rejection);
    }
    // Audit events reach their sinks through a queue of their own; closing the client flushes it.
    return outcome.withAudit(w.audit);
  }

  @Test
  void oneCallPassesEveryConfiguredCapability() throws Exception {
    World w = new World();
    Outcome o = run(LlmOpsConfig.load(resources().resolve("full.yaml")), w);

    assertThat(o.promptVersion()).as("the experiment forced user-1 onto the candidate label: v2").isEqualTo("2");
    assertThat(o.variant()).isEqualTo("candidate");
    assertThat(o.endpoint()).as("smart failed twice (retry used up), so the call fell back").isEqualTo("cheap");
    assertThat(o.attempts()).isEqualTo(3);
    assertThat(o.fallback()).isEqualTo("smart->cheap");
    assertThat(w.smart.callCount()).isEqualTo(2);
    assertThat(o.text()).isNotBlank();
    assertThat(w.cheap.lastRequest().messages().get(0).content()).isEqualTo("You answer for ACME support. Be brief.");

    assertThat(o.secondCallCached()).as("the identical second call is a cache hit").isTrue();
    assertThat(w.cheap.callCount()).isEqualTo(1);
    assertThat(o.budgetRejection()).isEqualTo("BudgetExceededException");

    // The cache keys on the endpoint the call asked for ("smart") but records the hit, and prices
    // its saving, as the endpoint that produced the cached answer: the fallback "cheap".
    assertThat(o.ledger()).as("one ledger record per attempt, and one for the cache hit")
        .containsExactly("smart:FAILED", "smart:FAILED", "cheap:SUCCEEDED", "cheap:CACHE_HIT");
    assertThat(o.cost()).isPositive();

    SpanData call = w.spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat")).findFirst().orElseThrow();
    assertThat(call.getAttributes().get(AttributeKey.stringKey("gen_ai.prompt.name"))).isEqualTo("support-reply");
    assertThat(call.getAttributes().get(AttributeKey.longKey("llmops.prompt.version"))).isEqualTo(2L);
    assertThat(call.getAttributes().get(AttributeKey.stringKey("llmops.experiment.variant"))).isEqualTo("candidate");
    assertThat(call.getAttributes().get(AttributeKey.stringKey("llmops.fallback.model"))).isEqualTo("cheap");
    assertThat(o.spans()).filteredOn(n -> n.startsWith("attempt")).hasSize(3);

    assertThat(o.transcripts()).as("every call kept, redacted").isEqualTo(3);
    assertThat(o.audit()).containsExactly(AuditEvent.BUDGET_CHANGED, "rate_limit.changed", "config.applied");
  }

  @Test
  void theSameConfigurationAsJsonBehavesTheSame() throws Exception {
    String yaml = Files.readString(resources().resolve("full.yaml"), StandardCharsets.UTF_8);
    String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(new YAMLMapper().readTree(yaml));

    Outcome fromYaml = run(LlmOpsConfig.parse(yaml, "full.yaml"), new World());
    Outcome fromJson = run(LlmOpsConfig.parse(json, "full.json"), new World());

    assertThat(fromJson).isEqualTo(fromYaml);
  }

  @Test
  void theDocumentedExampleAssemblesWithEveryCapability(@TempDir Path dir) throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);
    int start = doc.indexOf("```yaml\n# llmops.yaml");
    assertThat(start).as("docs/configuration.md holds the annotated example").isPositive();
    String example = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
    Path prompt = Files.createDirectories(dir.resolve("prompts/support-reply"));
    try (InputStream in = ConfiguredClientTest.class.getResourceAsStream("/config/prompts/support-reply/v1.yaml")) {
      Files.write(prompt.resolve("v1.yaml"), Objects.requireNonNull(in).readAllBytes());
    }
    Files.writeString(prompt.resolve("labels.yaml"), "production: 1\n");
    World w = new World();
    Map<String, String> env = Map.of(
        "OPENAI_API_KEY", "sk-test-openai-0000000000000000", "ANTHROPIC_API_KEY", "sk-ant-test-000000000000000",
        "LLMOPS_REDACTION_KEY", "a-redaction-key-of-32-characters!",
        "LLMOPS_SUBJECT_KEY", "a-subject-key-of-32-characters!!");

    LlmOpsComponents components = LlmOpsConfig.parse(example, "llmops.yaml").assemble(ConfigBindings.builder()
        .model("local", w.smart).environment(env::get).baseDirectory(dir).clock(w.clock).scheduler(w.scheduler)
        .telemetry(OtelInstrumentation.factory(w.otel)).promptExecutor(Runnable::run).build());

    try (LlmClient client = components.clientBuilder().build()) {
      assertThat(client.steps()).containsExactly(PipelineStep.EXPERIMENT, PipelineStep.PROMPT, PipelineStep.ADMISSION,
          PipelineStep.CACHE, PipelineStep.RESILIENCE, PipelineStep.ACCOUNTING);
      assertThat(client.endpoints()).containsOnlyKeys("smart", "cheap", "local");
      assertThat(client.endpointFor(null)).isEqualTo("smart");
    }
    assertThat(components.prompts()).isPresent();
    assertThat(components.experiments()).isPresent();
    assertThat(components.transcripts()).isPresent();
    assertThat(components.auditLog()).isPresent();
    assertThat(components.telemetry().enabled()).isTrue();
    assertThat(components.redactor().redact("call 415-555-0132")).doesNotContain("415-555-0132");
  }

  @Test
  void telemetryOnWithoutAFactoryIsAProblem() throws Exception {
    String yaml = Files.readString(resources().resolve("full.yaml"), StandardCharsets.UTF_8);
    World w = new World();
    assertThatThrownBy(() -> LlmOpsConfig.parse(yaml, "full.yaml").assemble(ConfigBindings.builder()
            .model("smart", w.smart).model("cheap", w.cheap).baseDirectory(resources()).build()))
        .hasMessageContaining("full.yaml: telemetry.enabled: telemetry is on but nothing makes its listener");
  }

  @Test
  void anApiKeyFromTheInjectedEnvironmentReachesTheProviderHeaderOnly() {
    String secret = "sk-proj-Qw7Lm4Np6Rt1Ys9Ab3Cd5Ef7GhZx8v2";
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      String yaml = "models:\n  gpt: {provider: openai, model: gpt-4o-mini, baseUrl: '" + server.baseUrl()
          + "', apiKeyEnv: TEAM_OPENAI_KEY, timeout: 5s}\n";
      ConfigBindings bindings = ConfigBindings.builder().environment(Map.of("TEAM_OPENAI_KEY", secret)::get).build();
      LlmOpsConfig config = LlmOpsConfig.parse(yaml, "c.yaml");
      try (LlmClient client = config.newClientBuilder(bindings).build()) {
        assertThat(client.chat(ChatRequest.of("hi")).text()).isNotBlank();
        assertThat(client.endpoints().get("gpt").toString()).doesNotContain(secret);
      }
      assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer " + secret);
      assertThat(bindings.toString()).doesNotContain(secret);
      assertThat(config.toString()).doesNotContain(secret);
    }
  }

  /** What full.yaml says, written with the builders: the single builder and the file are equivalent. */
  private static LlmClient.Builder inCode(World w, TranscriptStore[] transcripts) throws URISyntaxException {
    Redactor redactor = Redactor.builder().mode(PiiType.EMAIL, RedactionMode.MASK).allow("help@acme.example").build();
    AuditLog audit = AuditLog.builder().redactor(redactor).sink(w.audit::add).build();
    PromptRegistry prompts = PromptRegistry.builder()
        .source(FilePromptSource.directory(resources().resolve("prompts")))
        .clock(w.clock).executor(Runnable::run).timeToLive(Duration.ofSeconds(30)).defaultLabel("production")
        .listener(AuditBridges.prompts(audit))
        .build();
    Experiments experiments = Experiments.builder()
        .add(Experiment.builder("support-prompt").prompt("support-reply")
            .variants(List.of(Variant.of("control"), Variant.of("candidate").withPromptLabel("candidate")))
            .weights(0.9, 0.1).force("user-1", "candidate").build())
        .shadowQueueCapacity(8).shadowMaxConcurrent(2).shadowTimeout(Duration.ofMinutes(1))
        .auditListener(AuditBridges.experiments(audit))
        .build();
    Budgets budgets = Budgets.builder()
        .budget(Budget.money(Scope.TENANT, Money.usd("0.05"), Window.daily()).named("tenant-daily"))
        .rateLimit(RateLimit.requestsPerMinute(Scope.API_KEY, 600).onExceeded(OverLimit.waitUpTo(Duration.ofSeconds(5))))
        .build();
    AuditBridges.budgetsApplied(budgets, w.clock.instant(), "config:full.yaml").forEach(audit::record);
    audit.record(new AuditEvent(w.clock.instant(), "config.applied", "full.yaml", "config:full.yaml", null, null, Map.of()));
    transcripts[0] = TranscriptStore.builder().clock(w.clock).redactor(redactor).random(RandomGenerator.of("L64X128MixRandom"))
        .ttl(Duration.ofHours(24)).maxEntries(100).maxBytes(1L << 20).sampleRate(1.0).build();
    return LlmClient.builder()
        .model("smart", w.smart)
        .model("cheap", w.cheap)
        .defaultModel("smart")
        .prompts(prompts)
        .experiments(experiments)
        .accounting(Accounting.builder()
            .catalog(PriceCatalog.bundled().withOverride("claude-haiku-4-5",
                ModelPrice.of("claude-haiku-4-5", Rates.perMillion("0.80", "4.00"))))
            .unknownModels(UnknownModelPolicy.RECORD)
            .ledger(w.ledger)
            .build())
        .budgets(budgets)
        .cache(ResponseCache.builder().maximumSize(100).expireAfterWrite(Duration.ofMinutes(30)).build())
        .resilience(Resilience.builder()
            .maxAttempts(2)
            .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
            .jitter(0)
            .random(RandomGenerator.of("L64X128MixRandom"))
            .honourRetryAfter(Duration.ofSeconds(30))
            .deadline(Duration.ofSeconds(60))
            .circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(5, Duration.ofSeconds(30)))
            .bulkhead(16, Duration.ofMillis(200))
            .fallbackTo("cheap")
            .build())
        .listener(OtelInstrumentation.builder(w.otel).conventions(GenAiConventions.V1_41).captureContent(false)
            .redactor(redactor).clock(w.clock).build())
        .listener(transcripts[0])
        .clock(w.clock)
        .scheduler(w.scheduler);
  }

  @Test
  void theSingleBuilderWrittenOutInCodeBehavesAsTheFile() throws Exception {
    Outcome fromFile = run(LlmOpsConfig.load(resources().resolve("full.yaml")), new World());
    World w = new World();
    TranscriptStore[] transcripts = new TranscriptStore[1];
    LlmClient.Builder builder = inCode(w, transcripts);

    assertThat(run(builder, transcripts[0], w)).isEqualTo(fromFile);
  }
}
