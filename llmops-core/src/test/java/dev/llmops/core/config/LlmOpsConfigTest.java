package dev.llmops.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Usage;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.HookCalls;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.audit.AuditBridges;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.prompt.PromptDirectoryWatcher;
import dev.llmops.core.prompt.PromptRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmOpsConfigTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
  private static final String SECRET = "sk-proj-Zx8v2Qw7Lm4Np6Rt1Ys9Ab3Cd5Ef7Gh";

  @TempDir Path dir;

  private static ChatModel answering(String text) {
    return (request, exchange) -> CompletableFuture.completedFuture(
        ChatResponse.of("r-1", "m", text, FinishReason.STOP, Usage.of(3, 2)));
  }

  private void writePrompts() throws IOException {
    Path p = Files.createDirectories(dir.resolve("prompts/support-reply"));
    Files.writeString(p.resolve("v1.yaml"), "messages:\n  - role: user\n    content: \"Q: {{question}}\"\n");
    Files.writeString(p.resolve("v2.yaml"), "messages:\n  - role: user\n    content: \"Question: {{question}}\"\n");
    Files.writeString(p.resolve("labels.yaml"), "production: 1\n");
  }

  private static final String BROKEN = """
      retrys: 3
      models:
        smart:
          provider: openai
          model: gpt-4o
          apiKeyEnv: OPENAI_API_KEY
          timeout: 30 seconds
        cheap:
          provider: supplied
      defaultModel: smarter
      prompts:
        directory: missing-prompts
      experiments:
        definitions:
          - key: model-test
            variants:
              - {key: control, model: smart}
              - {key: big, model: huge}
      budgets:
        - scope: tenant
          limit: 50.00
          window: daily
          onExceeded: downgrade
          downgradeTo: tiny
      resilience:
        maxAttempts: three
        backoff: {initial: fast, max: 8s}
        fallbacks: [nowhere]
      telemetry:
        enabled: true
      redaction:
        modes: {EMAIL: blur}
      retention:
        sampleRate: 2
      cache:
        ttl: 5m
      """;

  /** Each problem planted in {@link #BROKEN}: the key path its message must name. */
  private static final List<String> PLANTED = List.of(
      "llmops.yaml: retrys: unknown key",
      "llmops.yaml: models.smart.apiKeyEnv: environment variable OPENAI_API_KEY is not set",
      "llmops.yaml: models.smart.timeout: not a duration",
      "llmops.yaml: models.cheap: provider 'supplied' but the bindings supply no model 'cheap'",
      "llmops.yaml: defaultModel: unknown model 'smarter'",
      "llmops.yaml: prompts.directory: not a directory",
      "llmops.yaml: experiments:",
      "llmops.yaml: budgets[0].limit: expected an amount",
      "llmops.yaml: budgets[0].downgradeTo: unknown model 'tiny'",
      "llmops.yaml: resilience.maxAttempts: expected a whole number",
      "llmops.yaml: resilience.backoff.initial: not a duration",
      "llmops.yaml: resilience.fallbacks[0]: unknown model 'nowhere'",
      "llmops.yaml: telemetry.enabled: telemetry is on but nothing makes its listener",
      "llmops.yaml: redaction.modes.EMAIL: unknown value 'blur'",
      "llmops.yaml: retention.sampleRate: must be in [0.0, 1.0]",
      "llmops.yaml: cache.ttl: unknown key");

  private ConfigBindings.Builder bindings() {
    return ConfigBindings.builder().environment(Map.<String, String>of()::get).baseDirectory(dir).clock(CLOCK);
  }

  @Test
  void aBrokenFileFailsOnceListingEveryProblemWithItsKeyPath() {
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse(BROKEN, "llmops.yaml").assemble(bindings().build()));

    assertThat(e).as("one exception for the whole file").isNotNull();
    assertThat(e.problems()).hasSize(PLANTED.size());
    for (String expected : PLANTED) {
      assertThat(e.problems()).as("a problem starting with: " + expected).anyMatch(p -> p.startsWith(expected));
    }
    assertThat(e.problems()).filteredOn(p -> p.startsWith("llmops.yaml: experiments:"))
        .singleElement().asString().contains("huge");
    assertThat(e.getMessage()).contains(PLANTED.size() + " problems");
  }

  @Test
  void unpricedModelsIsRejectOrAFallbackPriceAndAnythingElseIsNamed() {
    String base = """
        models: {m: {provider: supplied}}
        budgets: [{scope: tenant, limit: "5.00 USD", window: daily}]
        """;
    List<String> problems = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse(base + "unpricedModels: 7\n", "c.yaml")
            .assemble(bindings().model("m", answering("m")).build())).problems();
    assertThat(problems).singleElement().asString().startsWith("c.yaml: unpricedModels: expected 'reject' or a price");

    try (LlmClient rejecting = LlmOpsConfig.parse(base + "unpricedModels: reject\n", "c.yaml")
        .newClientBuilder(bindings().model("m", answering("m")).build()).build()) {
      assertThatThrownBy(() -> rejecting.chat(dev.llmops.api.ChatRequest.of("hi"), dev.llmops.api.CallContext.ofTenant("a")))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("no price for model");
    }
    try (LlmClient priced = LlmOpsConfig.parse(base + "unpricedModels: {inputPerMillion: \"1\", outputPerMillion: \"2\"}\n", "c.yaml")
        .newClientBuilder(bindings().model("m", answering("m")).build()).build()) {
      assertThat(priced.chat(dev.llmops.api.ChatRequest.of("hi"), dev.llmops.api.CallContext.ofTenant("a")).text())
          .isEqualTo("m");
    }
  }

  /** The components hand out the budgets the client admits against, so an operator can read their spend. */
  @Test
  void theComponentsExposeTheBudgetsTheClientCountsOn() {
    String yaml = """
        models: {m: {provider: supplied}}
        budgets: [{name: per-tenant, scope: tenant, limit: "5.00 USD", window: daily}]
        unpricedModels: {inputPerMillion: "1", outputPerMillion: "2"}
        """;
    LlmOpsComponents components = LlmOpsConfig.parse(yaml, "c.yaml").assemble(bindings().model("m", answering("m")).build());
    dev.llmops.core.budget.Budgets budgets = components.budgets().orElseThrow();
    dev.llmops.core.budget.Budget budget = budgets.budgets().get(0);
    assertThat(budget.name()).isEqualTo("per-tenant");
    assertThat(budget.limit()).isEqualTo(dev.llmops.api.Money.usd("5").toNanosCeiling());
    dev.llmops.api.CallContext acme = dev.llmops.api.CallContext.ofTenant("acme");
    try (LlmClient client = components.clientBuilder().build()) {
      client.chat(ChatRequest.of("hi"), acme);
    }
    // 3 input and 2 output tokens at 1 and 2 USD per million: 7e-6 USD, counted in nano-dollars
    assertThat(budgets.balance(budget, acme, CLOCK.instant()).spent()).isEqualTo(7_000);
    assertThat(LlmOpsConfig.parse("models: {m: {provider: supplied}}\n", "c.yaml")
        .assemble(bindings().model("m", answering("m")).build()).budgets()).isEmpty();
  }

  @Test
  void theSameBrokenFileAsJsonListsTheSameProblems() throws Exception {
    var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(yaml.readTree(BROKEN));

    List<String> fromYaml = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse(BROKEN, "llmops.yaml").assemble(bindings().build())).problems();
    List<String> fromJson = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse(json, "llmops.json").assemble(bindings().build())).problems();

    assertThat(fromJson).containsExactlyElementsOf(fromYaml.stream().map(p -> p.replace("llmops.yaml", "llmops.json")).toList());
  }

  @Test
  void syntaxErrorsNameTheFileAndLine() {
    assertThatThrownBy(() -> LlmOpsConfig.parse("models:\n  smart: {provider: openai\n", "bad.yaml"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("bad.yaml:")
        .hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> LlmOpsConfig.parse("{\"models\": {}, \"models\": {}}", "dup.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("dup.json:")
        .hasMessageContaining("models");
  }

  @Test
  void secretsComeFromTheInjectedEnvironmentAndNeverShowInErrorsOrToString() {
    String yaml = """
        models:
          smart: {provider: openai, model: gpt-4o, apiKeyEnv: TEAM_OPENAI_KEY}
          pasted: {provider: anthropic, model: claude-haiku-4-5, apiKeyEnv: %s}
        redaction:
          mode: hmac
          hmacKeyEnv: REDACTION_KEY
        """.formatted(SECRET);
    LlmOpsConfig config = LlmOpsConfig.parse(yaml, "llmops.yaml");
    ConfigBindings env = bindings().environment(Map.of("TEAM_OPENAI_KEY", SECRET, "REDACTION_KEY", SECRET)::get).build();

    ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> config.assemble(env));

    assertThat(e.problems()).singleElement().asString()
        .startsWith("llmops.yaml: models.pasted.apiKeyEnv: must name an environment variable")
        .doesNotContain(SECRET).doesNotContain("Zx8v2");
    assertThat(e.getMessage()).doesNotContain(SECRET);
    assertThat(config.toString()).doesNotContain(SECRET);
    assertThat(env.toString()).doesNotContain(SECRET);

    LlmOpsComponents ok = LlmOpsConfig.parse(yaml.replace("  pasted: {provider: anthropic, model: claude-haiku-4-5, apiKeyEnv: "
        + SECRET + "}\n", ""), "llmops.yaml").assemble(env);
    LlmClient client = ok.clientBuilder().build();
    assertThat(client.endpoints()).containsOnlyKeys("smart");
    assertThat(client.endpoints().get("smart").toString()).doesNotContain(SECRET);
    assertThat(ok.redactor().redact("mail ana@example.com")).matches("mail <EMAIL#[0-9a-f]{12}>");
  }

  @Test
  void aMissingHmacKeyIsOneProblemNamingTheVariable() {
    String yaml = """
        models: {m: {provider: supplied}}
        redaction: {mode: hmac, hmacKeyEnv: REDACTION_KEY}
        """;
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse(yaml, "c.yaml").assemble(bindings().model("m", answering("x")).build()));
    assertThat(e.problems()).containsExactly("c.yaml: redaction.hmacKeyEnv: environment variable REDACTION_KEY is not set or blank");
  }

  @Test
  void moneyIsExactDecimalTextWithItsCurrencyNeverAFloatingPointNumber() {
    String good = """
        models: {m: {provider: supplied}}
        budgets:
          - {scope: tenant, limit: "0.10 USD", window: daily}
          - {name: monthly, scope: global, limit: {amount: "1000000.000000001"}, window: monthly, zone: Europe/Berlin}
        """;
    var comps = LlmOpsConfig.parse(good, "c.yaml").assemble(bindings().model("m", answering("x")).build());
    assertThat(comps.clientBuilder().build().steps()).contains(PipelineStep.ADMISSION, PipelineStep.ACCOUNTING);

    String bad = """
        models: {m: {provider: supplied}}
        budgets:
          - {scope: tenant, limit: "10 EUR", window: daily}
          - {scope: tenant, limit: "10", window: daily}
          - {scope: tenant, limit: {amount: 10.5}, window: 1 week}
        """;
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse(bad, "c.yaml").assemble(bindings().model("m", answering("x")).build()));
    assertThat(e.problems()).containsExactly(
        "c.yaml: budgets[0].limit: only USD is supported but the currency was 'EUR'",
        "c.yaml: budgets[1].limit: give the currency: \"10 USD\"",
        "c.yaml: budgets[2].limit.amount: expected a decimal string such as \"50.00\" but found a decimal number",
        "c.yaml: budgets[2].window: not a window: '1 week'; daily, monthly, total, a length such as 1h,"
            + " or rolling <length>/<buckets> such as rolling 24h/24");
  }

  @Test
  void rollingWindowsAreWrittenAsLengthOverBuckets() {
    String good = """
        models: {m: {provider: supplied}}
        budgets: [{scope: tenant, limit: "5.00 USD", window: rolling 24h/24}]
        """;
    var comps = LlmOpsConfig.parse(good, "c.yaml").assemble(bindings().model("m", answering("x")).build());
    assertThat(comps.clientBuilder().build().steps()).contains(PipelineStep.ADMISSION);

    String bad = """
        models: {m: {provider: supplied}}
        budgets:
          - {scope: tenant, limit: "5.00 USD", window: rolling 24h}
          - {scope: tenant, limit: "5.00 USD", window: rolling 1h/7}
        """;
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse(bad, "c.yaml").assemble(bindings().model("m", answering("x")).build()));
    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0))
        .isEqualTo("c.yaml: budgets[0].window: a rolling window is written rolling <length>/<buckets>, such as rolling 24h/24");
    assertThat(e.problems().get(1)).startsWith("c.yaml: budgets[1].window: ").contains("millisecond");
  }

  @Test
  void theClientBuilderCarriesEveryConfiguredStepAndTheApplicationCanAddToIt() throws IOException {
    writePrompts();
    String yaml = """
        models:
          smart: {provider: supplied}
          cheap: {provider: supplied}
        defaultModel: smart
        prompts: {directory: prompts, timeToLive: 1m}
        experiments:
          definitions:
            - key: model-test
              prompt: support-reply
              variants: [{key: control, model: smart}, {key: cheap, model: cheap}]
              weights: [0, 1]
        accounting: {catalog: bundled, unknownModels: record}
        budgets: [{scope: tenant, limit: "5.00 USD", window: daily}]
        # The supplied models have no catalog price, and a hard money budget admits no unpriced call.
        unpricedModels: {inputPerMillion: "1.00", outputPerMillion: "2.00"}
        rateLimits: [{scope: api_key, requestsPerMinute: 600, onExceeded: wait, maxWait: 5s}]
        cache: {maximumSize: 100, expireAfterWrite: 30m}
        resilience: {maxAttempts: 2, fallbacks: [cheap]}
        """;
    List<String> seen = new CopyOnWriteArrayList<>();
    LlmClient client = LlmOpsConfig.parse(yaml, "c.yaml")
        .newClientBuilder(bindings().model("smart", answering("smart")).model("cheap", answering("cheap"))
            .promptExecutor(Runnable::run).build())
        .interceptor((chain) -> {
          seen.add("app");
          return chain.proceed(chain.request());
        })
        .build();

    assertThat(client.steps()).containsExactly(PipelineStep.APPLICATION, PipelineStep.EXPERIMENT, PipelineStep.PROMPT,
        PipelineStep.ADMISSION, PipelineStep.CACHE, PipelineStep.RESILIENCE, PipelineStep.ACCOUNTING);
    Completion c = client.prompt("support-reply").variable("question", "why?")
        .context(dev.llmops.api.CallContext.ofSubject("user-1")).call();
    assertThat(c.text()).isEqualTo("cheap");
    assertThat(seen).containsExactly("app");
  }

  @Test
  void labelMovesExperimentChangesAndAppliedBudgetsReachTheAuditSinks() throws IOException {
    writePrompts();
    String yaml = """
        models: {smart: {provider: supplied}}
        prompts: {directory: prompts}
        experiments:
          definitions:
            - {key: canary, variants: [stable, next], weights: [0.9, 0.1]}
        budgets: [{name: tenant-daily, scope: tenant, limit: "50.00 USD", window: daily, hard: false}]
        audit: {enabled: true}
        """;
    List<AuditEvent> events = new CopyOnWriteArrayList<>();
    LlmOpsComponents comps = LlmOpsConfig.parse(yaml, "c.yaml")
        .assemble(bindings().model("smart", answering("x")).auditSink(events::add).promptExecutor(Runnable::run).build());

    awaitSize(events, 2); // the sink is written by its queue's thread
    assertThat(events).extracting(AuditEvent::action)
        .containsExactly(AuditEvent.BUDGET_CHANGED, "config.applied");
    assertThat(events.get(0).target()).isEqualTo("tenant-daily");
    assertThat(events.get(0).after()).isEqualTo("50 USD per day");
    assertThat(events.get(0).details()).containsEntry("hard", "false");

    PromptRegistry prompts = comps.prompts().orElseThrow();
    prompts.promote("support-reply", "production", 2, "ana");
    Experiments experiments = comps.experiments().orElseThrow();
    experiments.setWeights("canary", List.of(0.5, 0.5), "widen");
    experiments.kill("canary", "bad answers");

    awaitSize(events, 5);
    assertThat(events).extracting(AuditEvent::action).containsExactly(
        AuditEvent.BUDGET_CHANGED, "config.applied", AuditEvent.PROMPT_LABEL_MOVED, AuditEvent.EXPERIMENT_WEIGHTS_CHANGED,
        AuditEvent.KILL_SWITCH_CHANGED);
    AuditEvent moved = events.get(2);
    assertThat(moved.target()).isEqualTo("support-reply/production");
    assertThat(moved.actor()).isEqualTo("ana");
    assertThat(moved.before()).isEqualTo("1");
    assertThat(moved.after()).isEqualTo("2");
    assertThat(events.get(3).details()).containsEntry("reason", "widen");
    assertThat(events.get(4).target()).isEqualTo("canary");
    assertThat(AuditBridges.EXPERIMENT_STATUS_CHANGED).isNotEqualTo(AuditEvent.KILL_SWITCH_CHANGED);
  }

  private static void awaitSize(List<?> list, int size) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  @Test
  void relativePathsResolveAgainstTheFilesDirectory() throws IOException {
    writePrompts();
    Path file = dir.resolve("llmops.yaml");
    Files.writeString(file, "models: {smart: {provider: supplied}}\nprompts: {directory: prompts}\n");
    LlmOpsComponents comps = LlmOpsConfig.load(file).assemble(ConfigBindings.builder()
        .model("smart", answering("x")).environment(Map.<String, String>of()::get).build());
    assertThat(comps.prompts().orElseThrow().resolve("support-reply").version()).isEqualTo(1);
    assertThat(LlmOpsConfig.load(file).source()).isEqualTo(file.toString());
  }

  @Test
  void aModelTheBindingsSupplyButTheFileDoesNotDeclareIsAProblem() {
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse("models: {a: {provider: supplied}}", "c.yaml")
            .assemble(bindings().model("a", answering("a")).model("b", answering("b")).build()));
    assertThat(e.problems()).singleElement().asString().startsWith("c.yaml: models: the bindings supply model 'b'");
  }

  @Test
  void anEmptyFileNeedsAtLeastOneModel() {
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse("", "c.yaml").assemble(bindings().build()));
    assertThat(e.problems()).containsExactly("c.yaml: models: required: at least one model endpoint");
  }

  @Test
  void aClasspathResourceLoadsWithItsName() {
    assertThatThrownBy(() -> LlmOpsConfig.fromClasspath(getClass().getClassLoader(), "no-such-llmops.yaml"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("classpath:no-such-llmops.yaml: not found on the classpath");
  }

  @Test
  void requestsWithoutAPromptStillWork() {
    LlmClient client = LlmOpsConfig.parse("models: {m: {provider: supplied}}", "c.yaml")
        .newClientBuilder(bindings().model("m", answering("hi")).build()).build();
    assertThat(client.chat(ChatRequest.of("hello")).text()).isEqualTo("hi");
  }

  @Test
  void aPromptVersionNamingAnUndeclaredModelIsAProblemBesideTheOthers() throws IOException {
    writePrompts();
    Files.writeString(dir.resolve("prompts/support-reply/v3.yaml"),
        "model: huge\nmessages:\n  - role: user\n    content: hi\n");
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse("models: {m: {provider: supplied}}\nprompts: {directory: prompts}\ncache: {maximumSize: 0}",
            "c.yaml").assemble(bindings().model("m", answering("x")).build()));
    assertThat(e.problems()).containsExactly(
        "c.yaml: prompts.directory: prompt 'support-reply' version 3 names model 'huge', which the models section does not declare [m]",
        "c.yaml: cache.maximumSize: must be >= 1 but was 0");
  }

  @Test
  void withWatchOnTheClientsPromptsReloadWhenAFileChanges() throws Exception {
    writePrompts();
    Path file = dir.resolve("llmops.yaml");
    Files.writeString(file, "models: {m: {provider: supplied}}\nprompts: {directory: prompts, timeToLive: 1h, watch: true}\n");
    ChatModel echo = (request, exchange) -> CompletableFuture.completedFuture(
        ChatResponse.of("r-1", "m", request.messages().get(0).content(), FinishReason.STOP, Usage.of(3, 2)));
    HookCalls refreshes = new HookCalls();
    try (LlmClient client = LlmOpsConfig.load(file).newClientBuilder(ConfigBindings.builder()
        .model("m", echo).environment(Map.<String, String>of()::get).promptExecutor(Runnable::run)
        .afterPromptRefresh(refreshes).build()).build()) {
      assertThat(client.prompt("support-reply").variable("question", "why?").call().text()).isEqualTo("Q: why?");

      Path temp = Files.writeString(dir.resolve("labels.tmp"), "production: 2\n");
      Files.move(temp, dir.resolve("prompts/support-reply/labels.yaml"), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);

      refreshes.awaitUntil("the edited label served", () ->
          client.prompt("support-reply").variable("question", "why?").call().text().equals("Question: why?"));
    }
    // Closing the client closed the watcher, which waits for its thread to end.
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
        t -> t.getName().equals(PromptDirectoryWatcher.THREAD_NAME) && t.isAlive());
  }

  @Test
  void watchOnlyWorksWithADirectoryAndIsListedBesideTheOtherProblems() {
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse("""
            models: {fast: {provider: supplied}}
            prompts: {classpath: prompts-on-classpath, watch: true}
            cache: {maximumSize: 0}
            """, "c.yaml").assemble(bindings().model("fast", answering("x")).build()));
    assertThat(e.problems()).containsExactly(
        "c.yaml: prompts.watch: watches a 'directory' of prompts; a classpath folder does not change at run time",
        "c.yaml: cache.maximumSize: must be >= 1 but was 0");
    ConfigurationException notABoolean = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse("models: {fast: {provider: supplied}}\nprompts: {classpath: prompts-on-classpath, watch: yes please}",
            "c.yaml").assemble(bindings().model("fast", answering("x")).build()));
    assertThat(notABoolean.problems()).containsExactly("c.yaml: prompts.watch: expected true or false but found text");
  }

  /** A property tree, every value text as a properties file holds it, reads as the YAML file does. */
  @Test
  void aTreeOfTextPropertiesReadsAsTheFileWith() {
    Map<String, Object> tree = Map.of(
        "models", Map.of("smart", Map.of("provider", "supplied"), "cheap", Map.of("provider", "supplied")),
        "defaultModel", "smart",
        "cache", Map.of("enabled", "true", "maximumSize", "100"),
        "resilience", Map.of("maxAttempts", "2", "fallbacks", List.of("cheap"),
            "backoff", Map.of("initial", "10ms", "multiplier", "1.5")));
    LlmClient client = LlmOpsConfig.fromProperties(tree, "application.yml")
        .newClientBuilder(bindings().model("smart", answering("smart")).model("cheap", answering("cheap")).build())
        .build();
    assertThat(client.steps()).contains(PipelineStep.CACHE, PipelineStep.RESILIENCE);
    assertThat(client.chat(ChatRequest.of("hi")).text()).isEqualTo("smart");
  }

  /** Text that does not spell the type a key expects is reported under the tree's name, as in a file. */
  @Test
  void aTreeOfPropertiesReportsEveryProblemWithItsKeyPath() {
    Map<String, Object> tree = Map.of(
        "models", Map.of("smart", Map.of("provider", "supplied")),
        "retrys", "3",
        "cache", Map.of("enabled", "yes", "maximumSize", "many"),
        "resilience", Map.of("backoff", Map.of("multiplier", "double")));
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.fromProperties(tree, "application.yml").assemble(bindings().model("smart", answering("x")).build()));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("application.yml: retrys: unknown key"))
        .anySatisfy(p -> assertThat(p).startsWith("application.yml: cache.enabled: expected true or false"))
        .anySatisfy(p -> assertThat(p).startsWith("application.yml: cache.maximumSize: expected a whole number"))
        .anySatisfy(p -> assertThat(p).startsWith("application.yml: resilience.backoff.multiplier: expected a number"));
  }

  /** A file is not lenient: text where the file format wants a number stays an error there. */
  @Test
  void aFileStillRefusesTextForNumbers() {
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse("models: {smart: {provider: supplied}}\nresilience: {maxAttempts: \"2\"}\n", "c.yaml")
            .assemble(bindings().model("smart", answering("x")).build()));
    assertThat(e.problems()).containsExactly("c.yaml: resilience.maxAttempts: expected a whole number but found text");
  }
}
