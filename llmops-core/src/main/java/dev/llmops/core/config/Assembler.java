package dev.llmops.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.CallListener;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Money;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
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
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.pricing.Rates;
import dev.llmops.core.prompt.FilePromptSource;
import dev.llmops.core.prompt.PromptDefinition;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.anthropic.AnthropicChatModel;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.core.redaction.PiiType;
import dev.llmops.core.redaction.RedactionMode;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.core.resilience.CircuitBreakerPolicy;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.core.transcript.TranscriptStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Checks one configuration tree against its bindings and builds what it describes. Every section
 * is read even after problems were found, so that one exception lists them all.
 */
final class Assembler {
  private static final Set<String> TOP = Set.of(
      "version", "models", "defaultModel", "prompts", "experiments", "accounting", "budgets", "rateLimits", "cache",
      "resilience", "telemetry", "redaction", "retention", "audit");
  private static final Set<String> MODEL_COMMON = Set.of(
      "provider", "model", "baseUrl", "apiKeyEnv", "timeout", "connectTimeout", "headers");
  private static final Set<String> MODEL_OPENAI = Set.of(
      "organization", "project", "apiKeyHeader", "queryParameters", "providerName", "legacyMaxTokens",
      "includeUsageInStream");
  private static final Set<String> MODEL_ANTHROPIC = Set.of("anthropicVersion", "defaultMaxTokens", "beta");
  private static final Set<String> PROMPTS = Set.of("directory", "classpath", "timeToLive", "defaultLabel");
  private static final Set<String> EXPERIMENTS = Set.of("file", "definitions", "shadow");
  private static final Set<String> SHADOW = Set.of("queueCapacity", "maxConcurrent", "timeout");
  private static final Set<String> ACCOUNTING = Set.of("catalog", "overrides", "unknownModels");
  private static final Set<String> PRICE = Set.of(
      "inputPerMillion", "outputPerMillion", "cacheReadPerMillion", "cacheWritePerMillion", "reasoningPerMillion",
      "maxOutputTokens");
  private static final Set<String> BUDGET = Set.of(
      "name", "scope", "limit", "tokens", "window", "zone", "hard", "onExceeded", "maxWait", "downgradeTo");
  private static final Set<String> RATE_LIMIT = Set.of(
      "scope", "requestsPerMinute", "tokensPerMinute", "onExceeded", "maxWait", "downgradeTo");
  private static final Set<String> CACHE = Set.of("enabled", "maximumSize", "expireAfterWrite", "allowNonDeterministic");
  private static final Set<String> RESILIENCE = Set.of(
      "maxAttempts", "backoff", "retryAfter", "deadline", "attemptTimeout", "circuitBreaker", "bulkhead", "fallbacks");
  private static final Set<String> BACKOFF = Set.of("initial", "max", "multiplier", "jitter");
  private static final Set<String> RETRY_AFTER = Set.of("honour", "maxWait");
  private static final Set<String> BREAKER = Set.of("failures", "window", "openDelay", "successes");
  private static final Set<String> BULKHEAD = Set.of("maxConcurrent", "maxWait");
  private static final Set<String> TELEMETRY = Set.of("enabled", "captureContent", "conventions");
  private static final Set<String> REDACTION = Set.of("disabled", "mode", "modes", "hmacKeyEnv", "allow", "allowPatterns");
  private static final Set<String> RETENTION = Set.of("enabled", "ttl", "maxEntries", "maxBytes", "sampleRate");
  private static final Set<String> AUDIT = Set.of("enabled", "recordStartup");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final JsonNode root;
  private final ConfigReader r;
  private final ConfigBindings bindings;
  private final Path base;
  private final Clock clock;
  private final Function<String, @Nullable String> env;
  private final LlmClient.Builder client = LlmClient.builder();
  private final Set<String> modelNames = new LinkedHashSet<>();
  private Set<String> promptNames = Set.of();
  private boolean recordStartup;

  Assembler(JsonNode root, ConfigReader reader, ConfigBindings bindings, Path base) {
    this.root = root;
    this.r = reader;
    this.bindings = bindings;
    this.base = base;
    this.clock = bindings.clock().orElse(Clock.systemUTC());
    this.env = bindings.environment();
  }

  LlmOpsComponents assemble() {
    r.keys(root, "", TOP);
    Long version = r.integer(root, "version", "version", 1);
    if (version != null && version != 1) {
      r.problem("version", "this library reads version 1 but the file is version " + version);
    }
    Redactor redactor = redaction();
    AuditLog audit = audit(redactor);
    models();
    defaultModel();
    PromptRegistry prompts = prompts(audit);
    Experiments experiments = experiments(audit, prompts);
    accounting();
    Budgets budgets = budgets();
    cache();
    resilience();
    TelemetrySettings telemetry = telemetry(redactor);
    TranscriptStore transcripts = retention(redactor);
    if (!r.problems().isEmpty()) {
      throw new ConfigurationException(r.problems());
    }
    bindings.clock().ifPresent(client::clock);
    bindings.scheduler().ifPresent(client::scheduler);
    if (audit != null && recordStartup) {
      if (budgets != null) {
        AuditBridges.budgetsApplied(budgets, clock.instant(), "config:" + r.source()).forEach(audit::record);
      }
      audit.record(new AuditEvent(clock.instant(), "config.applied", r.source(), "config:" + r.source(), null, null, Map.of()));
    }
    return new LlmOpsComponents(client, prompts, experiments, transcripts, audit, redactor, telemetry);
  }

  // ---- models ----

  private void models() {
    Map<String, JsonNode> entries = r.entries(root, "models", "models");
    if (entries.isEmpty() && ConfigReader.present(root, "models") == null) {
      r.problem("models", "required: at least one model endpoint");
    }
    for (Map.Entry<String, JsonNode> e : entries.entrySet()) {
      String name = e.getKey();
      String path = "models." + name;
      JsonNode m = e.getValue();
      if (!m.isObject()) {
        r.problem(path, "expected a mapping with at least 'provider' but found " + ConfigReader.kind(m));
        continue;
      }
      modelNames.add(name);
      ChatModel model = model(name, path, m);
      if (model != null) {
        r.apply(path, () -> client.model(name, model));
      }
    }
    for (String bound : bindings.models().keySet()) {
      if (!modelNames.contains(bound)) {
        r.problem("models", "the bindings supply model '" + bound + "' but the file does not declare it; add '"
            + bound + ": {provider: supplied}'");
      }
    }
  }

  private @Nullable ChatModel model(String name, String path, JsonNode m) {
    String provider = r.string(m, "provider", path + ".provider");
    if (provider == null) {
      if (ConfigReader.present(m, "provider") == null) {
        r.problem(path + ".provider", "required: openai, anthropic or supplied");
      }
      return null;
    }
    switch (provider.toLowerCase(Locale.ROOT)) {
      case "supplied" -> {
        r.keys(m, path, Set.of("provider"));
        ChatModel supplied = bindings.models().get(name);
        if (supplied == null) {
          r.problem(path, "provider 'supplied' but the bindings supply no model '" + name
              + "'; bind it with ConfigBindings.builder().model(\"" + name + "\", chatModel)");
        }
        return supplied;
      }
      case "openai" -> {
        r.keys(m, path, union(MODEL_COMMON, MODEL_OPENAI));
        return openAi(path, m);
      }
      case "anthropic" -> {
        r.keys(m, path, union(MODEL_COMMON, MODEL_ANTHROPIC));
        return anthropic(path, m);
      }
      default -> {
        r.problem(path + ".provider", "unknown provider " + ConfigReader.quote(provider) + "; one of openai, anthropic, supplied");
        return null;
      }
    }
  }

  private @Nullable ChatModel openAi(String path, JsonNode m) {
    OpenAiChatModel.Builder b = OpenAiChatModel.builder().clock(clock);
    boolean ok = endpoint(path, m, b::model, b::baseUrl, b::apiKey, b::timeout, b::connectTimeout, b::header);
    String s = r.string(m, "organization", path + ".organization");
    if (s != null) {
      b.organization(s);
    }
    s = r.string(m, "project", path + ".project");
    if (s != null) {
      b.project(s);
    }
    String header = r.string(m, "apiKeyHeader", path + ".apiKeyHeader");
    if (header != null) {
      r.apply(path + ".apiKeyHeader", () -> b.apiKeyHeader(header));
    }
    String providerName = r.string(m, "providerName", path + ".providerName");
    if (providerName != null) {
      r.apply(path + ".providerName", () -> b.provider(providerName));
    }
    r.stringMap(m, "queryParameters", path + ".queryParameters")
        .forEach((k, v) -> r.apply(path + ".queryParameters." + k, () -> b.queryParameter(k, v)));
    Boolean legacy = r.bool(m, "legacyMaxTokens", path + ".legacyMaxTokens");
    if (legacy != null) {
      b.legacyMaxTokens(legacy);
    }
    Boolean usage = r.bool(m, "includeUsageInStream", path + ".includeUsageInStream");
    if (usage != null) {
      b.includeUsageInStream(usage);
    }
    return ok ? r.build(path, b::build) : null;
  }

  private @Nullable ChatModel anthropic(String path, JsonNode m) {
    AnthropicChatModel.Builder b = AnthropicChatModel.builder().clock(clock);
    boolean ok = endpoint(path, m, b::model, b::baseUrl, b::apiKey, b::timeout, b::connectTimeout, b::header);
    String v = r.string(m, "anthropicVersion", path + ".anthropicVersion");
    if (v != null) {
      r.apply(path + ".anthropicVersion", () -> b.anthropicVersion(v));
    }
    Integer max = r.smallInteger(m, "defaultMaxTokens", path + ".defaultMaxTokens", 1);
    if (max != null) {
      r.apply(path + ".defaultMaxTokens", () -> b.defaultMaxTokens(max));
    }
    for (String beta : r.strings(m, "beta", path + ".beta")) {
      r.apply(path + ".beta", () -> b.beta(beta));
    }
    return ok ? r.build(path, b::build) : null;
  }

  /** The settings both adapters share; false if the endpoint cannot be built (a problem was recorded). */
  private boolean endpoint(
      String path,
      JsonNode m,
      java.util.function.Consumer<String> model,
      java.util.function.Consumer<String> baseUrl,
      java.util.function.Consumer<Secret> apiKey,
      java.util.function.Consumer<Duration> timeout,
      java.util.function.Consumer<Duration> connectTimeout,
      java.util.function.BiConsumer<String, String> header) {
    boolean ok = true;
    String id = r.string(m, "model", path + ".model");
    if (id == null) {
      if (ConfigReader.present(m, "model") == null) {
        r.problem(path + ".model", "required: the provider's model id, for example gpt-4o-mini");
      }
      ok = false;
    } else {
      r.apply(path + ".model", () -> model.accept(id));
    }
    String url = r.string(m, "baseUrl", path + ".baseUrl");
    if (url != null) {
      r.apply(path + ".baseUrl", () -> baseUrl.accept(url));
    }
    String keyEnv = r.string(m, "apiKeyEnv", path + ".apiKeyEnv");
    if (keyEnv != null) {
      Secret secret = secret(keyEnv, path + ".apiKeyEnv");
      if (secret == null) {
        ok = false;
      } else {
        apiKey.accept(secret);
      }
    }
    Duration d = r.duration(m, "timeout", path + ".timeout");
    if (d != null) {
      r.apply(path + ".timeout", () -> timeout.accept(d));
    }
    Duration c = r.duration(m, "connectTimeout", path + ".connectTimeout");
    if (c != null) {
      r.apply(path + ".connectTimeout", () -> connectTimeout.accept(c));
    }
    r.stringMap(m, "headers", path + ".headers").forEach((k, v) -> r.apply(path + ".headers." + k, () -> header.accept(k, v)));
    return ok;
  }

  /**
   * The secret in environment variable {@code name}. Messages name the variable only when it looks
   * like a variable name and not like a secret, so a key pasted here by mistake is never echoed.
   */
  private @Nullable Secret secret(String name, String path) {
    if (!ENV_NAME.matcher(name).matches() || Redactor.defaults().containsSensitive(name)) {
      r.problem(path, "must name an environment variable (letters, digits and '_'); the value is not shown, it may be a secret");
      return null;
    }
    String value = env.apply(name);
    if (value == null || value.isBlank()) {
      r.problem(path, "environment variable " + name + " is not set or blank");
      return null;
    }
    return Secret.of(value);
  }

  private void defaultModel() {
    String def = r.string(root, "defaultModel", "defaultModel");
    if (def != null) {
      if (knownModel(def, "defaultModel")) {
        client.defaultModel(def);
      }
    }
  }

  private boolean knownModel(String name, String path) {
    if (modelNames.contains(name)) {
      return true;
    }
    r.problem(path, "unknown model " + ConfigReader.quote(name) + "; the models section declares " + modelNames);
    return false;
  }

  // ---- prompts and experiments ----

  private @Nullable PromptRegistry prompts(@Nullable AuditLog audit) {
    JsonNode p = r.object(root, "prompts", "prompts", PROMPTS);
    if (p == null) {
      return null;
    }
    String dir = r.string(p, "directory", "prompts.directory");
    String cp = r.string(p, "classpath", "prompts.classpath");
    if ((dir == null) == (cp == null)) {
      if (ConfigReader.present(p, "directory") == null && ConfigReader.present(p, "classpath") == null) {
        r.problem("prompts", "set one of 'directory' or 'classpath'");
      } else if (dir != null) {
        r.problem("prompts", "set only one of 'directory' or 'classpath'");
      }
    }
    PromptRegistry.Builder b = PromptRegistry.builder().clock(clock);
    bindings.promptExecutor().ifPresent(b::executor);
    Duration ttl = r.duration(p, "timeToLive", "prompts.timeToLive");
    if (ttl != null) {
      r.apply("prompts.timeToLive", () -> b.timeToLive(ttl));
    }
    String label = r.string(p, "defaultLabel", "prompts.defaultLabel");
    if (label != null) {
      r.apply("prompts.defaultLabel", () -> b.defaultLabel(label));
    }
    if (audit != null) {
      b.listener(AuditBridges.prompts(audit));
    }
    FilePromptSource source = null;
    if (dir != null && cp == null) {
      Path folder = base.resolve(dir);
      if (!Files.isDirectory(folder)) {
        r.problem("prompts.directory", "not a directory: " + folder);
      } else {
        source = r.build("prompts.directory", () -> FilePromptSource.directory(folder));
      }
    } else if (cp != null && dir == null) {
      source = r.build("prompts.classpath", () -> FilePromptSource.classpath(bindings.classLoader(), cp));
    }
    if (source == null) {
      return null;
    }
    PromptRegistry registry = b.source(source).build();
    promptNames = source.names();
    checkPromptModels(source, dir != null ? "prompts.directory" : "prompts.classpath");
    client.prompts(registry);
    return registry;
  }

  /** Every prompt version that names a model must name a declared one. */
  private void checkPromptModels(FilePromptSource source, String path) {
    for (String name : promptNames) {
      for (PromptVersion v : source.load(name).map(PromptDefinition::versions).orElse(List.of())) {
        String model = v.model();
        if (model != null && !modelNames.contains(model)) {
          r.problem(path, "prompt '" + name + "' version " + v.version() + " names model " + ConfigReader.quote(model)
              + ", which the models section does not declare " + modelNames);
        }
      }
    }
  }

  private @Nullable Experiments experiments(@Nullable AuditLog audit, @Nullable PromptRegistry prompts) {
    JsonNode x = r.object(root, "experiments", "experiments", EXPERIMENTS);
    if (x == null) {
      return null;
    }
    Experiments.Builder b = Experiments.builder().clock(clock);
    String file = r.string(x, "file", "experiments.file");
    if (file != null) {
      Path path = base.resolve(file);
      if (!Files.isRegularFile(path)) {
        r.problem("experiments.file", "no such file: " + path);
      } else {
        r.apply("experiments.file", () -> b.load(path));
      }
    }
    JsonNode defs = ConfigReader.present(x, "definitions");
    if (defs != null) {
      if (!defs.isArray()) {
        r.problem("experiments.definitions", "expected a list of experiments but found " + ConfigReader.kind(defs));
      } else {
        ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
        wrapper.set("experiments", defs);
        r.apply("experiments.definitions", () -> b.loadYaml(wrapper.toString(), "definitions"));
      }
    }
    if (file == null && defs == null) {
      r.problem("experiments", "set 'file', 'definitions' or both");
    }
    JsonNode shadow = r.object(x, "shadow", "experiments.shadow", SHADOW);
    if (shadow != null) {
      Integer cap = r.smallInteger(shadow, "queueCapacity", "experiments.shadow.queueCapacity", 1);
      if (cap != null) {
        b.shadowQueueCapacity(cap);
      }
      Integer max = r.smallInteger(shadow, "maxConcurrent", "experiments.shadow.maxConcurrent", 1);
      if (max != null) {
        b.shadowMaxConcurrent(max);
      }
      Duration t = r.duration(shadow, "timeout", "experiments.shadow.timeout");
      if (t != null) {
        r.apply("experiments.shadow.timeout", () -> b.shadowTimeout(t));
      }
    }
    if (!modelNames.isEmpty()) {
      b.knownModels(modelNames);
    }
    if (prompts != null && !promptNames.isEmpty()) {
      b.knownPrompts(promptNames);
    }
    if (audit != null) {
      b.auditListener(AuditBridges.experiments(audit));
    }
    bindings.shadowSink().ifPresent(b::shadowSink);
    bindings.variantSource().ifPresent(b::variantSource);
    Experiments experiments = r.build("experiments", b::build);
    if (experiments != null) {
      client.experiments(experiments);
    }
    return experiments;
  }

  // ---- accounting, budgets, cache ----

  private void accounting() {
    JsonNode a = r.object(root, "accounting", "accounting", ACCOUNTING);
    if (a == null) {
      return;
    }
    Accounting.Builder b = Accounting.builder();
    bindings.ledger().ifPresent(b::ledger);
    PriceCatalog catalog = PriceCatalog.bundled();
    String c = r.string(a, "catalog", "accounting.catalog");
    if (c != null && !c.equals("bundled")) {
      Path file = base.resolve(c);
      if (!Files.isRegularFile(file)) {
        r.problem("accounting.catalog", "no such file: " + file + " (or write 'bundled')");
      } else {
        PriceCatalog loaded = r.build("accounting.catalog", () -> PriceCatalog.load(file));
        if (loaded != null) {
          catalog = loaded;
        }
      }
    }
    for (Map.Entry<String, JsonNode> o : r.entries(a, "overrides", "accounting.overrides").entrySet()) {
      ModelPrice price = price(o.getKey(), o.getValue(), "accounting.overrides." + o.getKey());
      if (price != null) {
        catalog = catalog.withOverride(o.getKey(), price);
      }
    }
    b.catalog(catalog);
    UnknownModelPolicy policy = r.choice(a, "unknownModels", "accounting.unknownModels", UnknownModelPolicy.class);
    if (policy != null) {
      b.unknownModels(policy);
    }
    client.accounting(b.build());
  }

  private @Nullable ModelPrice price(String key, JsonNode p, String path) {
    if (!p.isObject()) {
      r.problem(path, "expected a mapping with inputPerMillion and outputPerMillion but found " + ConfigReader.kind(p));
      return null;
    }
    r.keys(p, path, PRICE);
    String in = r.decimal(p, "inputPerMillion", path + ".inputPerMillion");
    String out = r.decimal(p, "outputPerMillion", path + ".outputPerMillion");
    for (String required : List.of("inputPerMillion", "outputPerMillion")) {
      if (ConfigReader.present(p, required) == null) {
        r.problem(path + "." + required, "required, as a decimal string such as \"2.50\"");
      }
    }
    String cacheRead = r.decimal(p, "cacheReadPerMillion", path + ".cacheReadPerMillion");
    String cacheWrite = r.decimal(p, "cacheWritePerMillion", path + ".cacheWritePerMillion");
    String reasoning = r.decimal(p, "reasoningPerMillion", path + ".reasoningPerMillion");
    Long maxOut = r.integer(p, "maxOutputTokens", path + ".maxOutputTokens", 1);
    if (in == null || out == null) {
      return null;
    }
    Rates rates = Rates.perMillion(in, out);
    if (cacheRead != null) {
      rates = rates.withCacheReadPerMillion(cacheRead);
    }
    if (cacheWrite != null) {
      rates = rates.withCacheWritePerMillion(cacheWrite);
    }
    if (reasoning != null) {
      rates = rates.withReasoningPerMillion(reasoning);
    }
    ModelPrice price = ModelPrice.of(key, rates);
    return maxOut == null ? price : price.withMaxOutputTokens(maxOut);
  }

  private @Nullable Budgets budgets() {
    List<JsonNode> budgetNodes = r.list(root, "budgets", "budgets");
    List<JsonNode> limitNodes = r.list(root, "rateLimits", "rateLimits");
    if (budgetNodes.isEmpty() && limitNodes.isEmpty()) {
      return null;
    }
    Budgets.Builder b = Budgets.builder();
    bindings.budgetStore().ifPresent(b::store);
    for (int i = 0; i < budgetNodes.size(); i++) {
      String path = "budgets[" + i + "]";
      Budget budget = budget(budgetNodes.get(i), path);
      if (budget != null) {
        r.apply(path + ".name", () -> b.budget(budget));
      }
    }
    for (int i = 0; i < limitNodes.size(); i++) {
      String path = "rateLimits[" + i + "]";
      RateLimit limit = rateLimit(limitNodes.get(i), path);
      if (limit != null) {
        b.rateLimit(limit);
      }
    }
    Budgets built = b.build();
    client.budgets(built);
    return built;
  }

  private @Nullable Budget budget(JsonNode n, String path) {
    if (!n.isObject()) {
      r.problem(path, "expected a mapping but found " + ConfigReader.kind(n));
      return null;
    }
    r.keys(n, path, BUDGET);
    Scope scope = r.choice(n, "scope", path + ".scope", Scope.class);
    Money money = r.money(n, "limit", path + ".limit");
    Long tokens = r.integer(n, "tokens", path + ".tokens", 0);
    boolean hasLimit = ConfigReader.present(n, "limit") != null;
    boolean hasTokens = ConfigReader.present(n, "tokens") != null;
    if (hasLimit == hasTokens) {
      r.problem(path, hasLimit ? "set only one of 'limit' (money) or 'tokens'" : "set 'limit' (money, \"50.00 USD\") or 'tokens'");
    }
    if (ConfigReader.present(n, "scope") == null) {
      r.problem(path + ".scope", "required: one of global, tenant, subject, api_key, feature");
    }
    Window window = window(n, path);
    Boolean hard = r.bool(n, "hard", path + ".hard");
    OverLimit action = overLimit(n, path);
    String name = r.string(n, "name", path + ".name");
    if (scope == null || window == null || action == null || (money == null && tokens == null) || hasLimit == hasTokens) {
      return null;
    }
    Budget budget;
    if (money != null) {
      budget = r.build(path, () -> Budget.money(scope, money, window));
    } else {
      long t = Objects.requireNonNull(tokens, "tokens");
      budget = r.build(path, () -> Budget.tokens(scope, t, window));
    }
    if (budget == null) {
      return null;
    }
    budget = budget.onExceeded(action);
    if (Boolean.FALSE.equals(hard)) {
      budget = budget.soft();
    }
    return name == null ? budget : budget.named(name);
  }

  private @Nullable Window window(JsonNode n, String path) {
    String w = r.string(n, "window", path + ".window");
    String zoneText = r.string(n, "zone", path + ".zone");
    ZoneId zone = null;
    if (zoneText != null) {
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        r.problem(path + ".zone", "unknown time zone " + ConfigReader.quote(zoneText));
      }
    }
    if (w == null) {
      if (ConfigReader.present(n, "window") == null) {
        r.problem(path + ".window", "required: daily, monthly, total or a length such as 1h");
      }
      return null;
    }
    switch (w.toLowerCase(Locale.ROOT)) {
      case "daily" -> {
        return zone == null ? Window.daily() : Window.daily(zone);
      }
      case "monthly" -> {
        return zone == null ? Window.monthly() : Window.monthly(zone);
      }
      case "total" -> {
        return Window.total();
      }
      default -> {
        Duration d = ConfigReader.parseDuration(w);
        if (d == null) {
          r.problem(path + ".window", "not a window: " + ConfigReader.quote(w) + "; daily, monthly, total or a length such as 1h");
          return null;
        }
        return r.build(path + ".window", () -> Window.every(d));
      }
    }
  }

  private @Nullable RateLimit rateLimit(JsonNode n, String path) {
    if (!n.isObject()) {
      r.problem(path, "expected a mapping but found " + ConfigReader.kind(n));
      return null;
    }
    r.keys(n, path, RATE_LIMIT);
    Scope scope = r.choice(n, "scope", path + ".scope", Scope.class);
    if (ConfigReader.present(n, "scope") == null) {
      r.problem(path + ".scope", "required: one of global, tenant, subject, api_key, feature");
    }
    Long requests = r.integer(n, "requestsPerMinute", path + ".requestsPerMinute", 1);
    Long tokens = r.integer(n, "tokensPerMinute", path + ".tokensPerMinute", 1);
    boolean hasRequests = ConfigReader.present(n, "requestsPerMinute") != null;
    boolean hasTokens = ConfigReader.present(n, "tokensPerMinute") != null;
    if (hasRequests == hasTokens) {
      r.problem(path, hasRequests ? "set only one of requestsPerMinute or tokensPerMinute" : "set requestsPerMinute or tokensPerMinute");
    }
    OverLimit action = overLimit(n, path);
    if (scope == null || action == null || hasRequests == hasTokens || (requests == null && tokens == null)) {
      return null;
    }
    RateLimit limit = requests != null
        ? RateLimit.requestsPerMinute(scope, requests)
        : RateLimit.tokensPerMinute(scope, Objects.requireNonNull(tokens, "tokens"));
    return limit.onExceeded(action);
  }

  /** {@code onExceeded: reject | wait | downgrade} with {@code maxWait} or {@code downgradeTo}. */
  private @Nullable OverLimit overLimit(JsonNode n, String path) {
    String action = r.string(n, "onExceeded", path + ".onExceeded");
    Duration maxWait = r.duration(n, "maxWait", path + ".maxWait");
    String to = r.string(n, "downgradeTo", path + ".downgradeTo");
    String a = action == null ? "reject" : action.toLowerCase(Locale.ROOT);
    if (!a.equals("wait") && ConfigReader.present(n, "maxWait") != null) {
      r.problem(path + ".maxWait", "only used with onExceeded: wait");
    }
    if (!a.equals("downgrade") && ConfigReader.present(n, "downgradeTo") != null) {
      r.problem(path + ".downgradeTo", "only used with onExceeded: downgrade");
    }
    switch (a) {
      case "reject" -> {
        return OverLimit.reject();
      }
      case "wait" -> {
        if (maxWait == null) {
          if (ConfigReader.present(n, "maxWait") == null) {
            r.problem(path + ".maxWait", "required with onExceeded: wait");
          }
          return null;
        }
        return OverLimit.waitUpTo(maxWait);
      }
      case "downgrade" -> {
        if (to == null) {
          if (ConfigReader.present(n, "downgradeTo") == null) {
            r.problem(path + ".downgradeTo", "required with onExceeded: downgrade");
          }
          return null;
        }
        return knownModel(to, path + ".downgradeTo") ? OverLimit.downgradeTo(to) : null;
      }
      default -> {
        r.problem(path + ".onExceeded", "unknown action " + ConfigReader.quote(a) + "; one of reject, wait, downgrade");
        return null;
      }
    }
  }

  private void cache() {
    JsonNode c = r.object(root, "cache", "cache", CACHE);
    if (c == null || !r.bool(c, "enabled", "cache.enabled", true)) {
      return;
    }
    ResponseCache.Builder b = ResponseCache.builder();
    Long size = r.integer(c, "maximumSize", "cache.maximumSize", 1);
    if (size != null) {
      b.maximumSize(size);
    }
    Duration ttl = r.duration(c, "expireAfterWrite", "cache.expireAfterWrite");
    if (ttl != null) {
      r.apply("cache.expireAfterWrite", () -> b.expireAfterWrite(ttl));
    }
    Boolean any = r.bool(c, "allowNonDeterministic", "cache.allowNonDeterministic");
    if (any != null) {
      b.allowNonDeterministic(any);
    }
    client.cache(b.build());
  }

  // ---- resilience ----

  private void resilience() {
    JsonNode n = r.object(root, "resilience", "resilience", RESILIENCE);
    if (n == null) {
      return;
    }
    Resilience.Builder b = Resilience.builder();
    bindings.random().ifPresent(b::random);
    Integer attempts = r.smallInteger(n, "maxAttempts", "resilience.maxAttempts", 1);
    if (attempts != null) {
      b.maxAttempts(attempts);
    }
    JsonNode backoff = r.object(n, "backoff", "resilience.backoff", BACKOFF);
    if (backoff != null) {
      Duration initial = r.duration(backoff, "initial", "resilience.backoff.initial");
      Duration max = r.duration(backoff, "max", "resilience.backoff.max");
      Double multiplier = r.number(backoff, "multiplier", "resilience.backoff.multiplier", 1.0, 100.0);
      Double jitter = r.number(backoff, "jitter", "resilience.backoff.jitter", 0.0, 1.0);
      if (initial != null || max != null || multiplier != null) {
        Duration i = initial != null ? initial : Duration.ofMillis(500);
        Duration m = max != null ? max : Duration.ofSeconds(30);
        double x = multiplier != null ? multiplier : 2.0;
        r.apply("resilience.backoff", () -> b.backoff(i, m, x));
      }
      if (jitter != null) {
        b.jitter(jitter);
      }
    }
    JsonNode retryAfter = r.object(n, "retryAfter", "resilience.retryAfter", RETRY_AFTER);
    if (retryAfter != null) {
      boolean honour = r.bool(retryAfter, "honour", "resilience.retryAfter.honour", true);
      Duration maxWait = r.duration(retryAfter, "maxWait", "resilience.retryAfter.maxWait");
      if (!honour) {
        b.ignoreRetryAfter();
      } else if (maxWait != null) {
        b.honourRetryAfter(maxWait);
      }
    }
    Duration deadline = r.duration(n, "deadline", "resilience.deadline");
    if (deadline != null) {
      r.apply("resilience.deadline", () -> b.deadline(deadline));
    }
    Duration attemptTimeout = r.duration(n, "attemptTimeout", "resilience.attemptTimeout");
    if (attemptTimeout != null) {
      r.apply("resilience.attemptTimeout", () -> b.attemptTimeout(attemptTimeout));
    }
    JsonNode breaker = r.object(n, "circuitBreaker", "resilience.circuitBreaker", BREAKER);
    if (breaker != null) {
      Integer failures = r.smallInteger(breaker, "failures", "resilience.circuitBreaker.failures", 1);
      Integer window = r.smallInteger(breaker, "window", "resilience.circuitBreaker.window", 1);
      Duration openDelay = r.duration(breaker, "openDelay", "resilience.circuitBreaker.openDelay");
      Integer successes = r.smallInteger(breaker, "successes", "resilience.circuitBreaker.successes", 1);
      if (ConfigReader.present(breaker, "failures") == null) {
        r.problem("resilience.circuitBreaker.failures", "required: failures that open the breaker");
      }
      if (ConfigReader.present(breaker, "openDelay") == null) {
        r.problem("resilience.circuitBreaker.openDelay", "required: how long the breaker stays open, such as 30s");
      }
      if (failures != null && openDelay != null) {
        CircuitBreakerPolicy policy = r.build("resilience.circuitBreaker", () -> window == null
            ? CircuitBreakerPolicy.consecutiveFailures(failures, openDelay)
            : CircuitBreakerPolicy.failuresInWindow(failures, window, openDelay));
        if (policy != null && successes != null) {
          CircuitBreakerPolicy p = policy;
          policy = r.build("resilience.circuitBreaker.successes", () -> p.withSuccessThreshold(successes));
        }
        if (policy != null) {
          b.circuitBreaker(policy);
        }
      }
    }
    JsonNode bulkhead = r.object(n, "bulkhead", "resilience.bulkhead", BULKHEAD);
    if (bulkhead != null) {
      Integer max = r.smallInteger(bulkhead, "maxConcurrent", "resilience.bulkhead.maxConcurrent", 1);
      Duration wait = r.duration(bulkhead, "maxWait", "resilience.bulkhead.maxWait");
      if (ConfigReader.present(bulkhead, "maxConcurrent") == null) {
        r.problem("resilience.bulkhead.maxConcurrent", "required: attempts in flight per endpoint");
      }
      if (max != null) {
        b.bulkhead(max, wait != null ? wait : Duration.ZERO);
      }
    }
    List<String> fallbacks = r.strings(n, "fallbacks", "resilience.fallbacks");
    for (int i = 0; i < fallbacks.size(); i++) {
      String f = fallbacks.get(i);
      if (knownModel(f, "resilience.fallbacks[" + i + "]")) {
        r.apply("resilience.fallbacks[" + i + "]", () -> b.fallbackTo(f));
      }
    }
    client.resilience(b.build());
  }

  // ---- observability ----

  private @Nullable TelemetrySettings telemetrySettings() {
    JsonNode t = r.object(root, "telemetry", "telemetry", TELEMETRY);
    if (t == null) {
      return TelemetrySettings.disabled();
    }
    boolean enabled = r.bool(t, "enabled", "telemetry.enabled", true);
    boolean capture = r.bool(t, "captureContent", "telemetry.captureContent", false);
    TelemetrySettings.Conventions conventions = TelemetrySettings.Conventions.ENVIRONMENT;
    if (ConfigReader.present(t, "conventions") != null) {
      conventions = r.choice(t, "conventions", "telemetry.conventions", TelemetrySettings.Conventions.class);
    }
    return conventions == null ? null : new TelemetrySettings(enabled, capture, conventions);
  }

  private TelemetrySettings telemetry(Redactor redactor) {
    TelemetrySettings settings = telemetrySettings();
    if (settings == null) {
      return TelemetrySettings.disabled();
    }
    if (settings.enabled()) {
      TelemetryFactory factory = bindings.telemetry().orElse(null);
      if (factory == null) {
        r.problem("telemetry.enabled", "telemetry is on but nothing makes its listener; bind one with "
            + "ConfigBindings.builder().telemetry(OtelInstrumentation.factory(openTelemetry)) from llmops-otel");
      } else {
        CallListener listener = r.build("telemetry", () -> factory.create(settings, redactor, clock, env));
        if (listener != null) {
          client.listener(listener);
        }
      }
    }
    return settings;
  }

  private Redactor redaction() {
    JsonNode n = r.object(root, "redaction", "redaction", REDACTION);
    if (n == null) {
      return Redactor.defaults();
    }
    Redactor.Builder b = Redactor.builder();
    List<String> disabled = r.strings(n, "disabled", "redaction.disabled");
    for (int i = 0; i < disabled.size(); i++) {
      PiiType type = r.choice(disabled.get(i), "redaction.disabled[" + i + "]", PiiType.class);
      if (type != null) {
        b.disable(type);
      }
    }
    RedactionMode all = r.choice(n, "mode", "redaction.mode", RedactionMode.class);
    if (all != null) {
      b.modeForAll(all);
    }
    for (Map.Entry<String, JsonNode> e : r.entries(n, "modes", "redaction.modes").entrySet()) {
      String path = "redaction.modes." + e.getKey();
      PiiType type = r.choice(e.getKey(), path, PiiType.class);
      if (!e.getValue().isTextual()) {
        r.problem(path, "expected tag, mask or hmac but found " + ConfigReader.kind(e.getValue()));
        continue;
      }
      RedactionMode mode = r.choice(e.getValue().asText(), path, RedactionMode.class);
      if (type != null && mode != null) {
        b.mode(type, mode);
      }
    }
    boolean keyMissing = false;
    String keyEnv = r.string(n, "hmacKeyEnv", "redaction.hmacKeyEnv");
    if (keyEnv != null) {
      Secret key = secret(keyEnv, "redaction.hmacKeyEnv");
      keyMissing = key == null;
      if (key != null) {
        r.apply("redaction.hmacKeyEnv", () -> b.hmacKey(key.reveal().getBytes(StandardCharsets.UTF_8)));
      }
    }
    b.allow(r.strings(n, "allow", "redaction.allow"));
    List<String> patterns = r.strings(n, "allowPatterns", "redaction.allowPatterns");
    for (int i = 0; i < patterns.size(); i++) {
      try {
        b.allowMatching(Pattern.compile(patterns.get(i)));
      } catch (PatternSyntaxException e) {
        r.problem("redaction.allowPatterns[" + i + "]", "not a regular expression: " + e.getDescription());
      }
    }
    if (keyMissing) {
      return Redactor.defaults(); // HMAC modes cannot be built without the key, a problem already listed
    }
    Redactor built = r.build("redaction", b::build);
    return built != null ? built : Redactor.defaults();
  }

  private @Nullable TranscriptStore retention(Redactor redactor) {
    JsonNode n = r.object(root, "retention", "retention", RETENTION);
    if (n == null || !r.bool(n, "enabled", "retention.enabled", true)) {
      return null;
    }
    TranscriptStore.Builder b = TranscriptStore.builder().clock(clock).redactor(redactor);
    bindings.random().ifPresent(b::random);
    Duration ttl = r.duration(n, "ttl", "retention.ttl");
    if (ttl != null) {
      r.apply("retention.ttl", () -> b.ttl(ttl));
    }
    Integer max = r.smallInteger(n, "maxEntries", "retention.maxEntries", 1);
    if (max != null) {
      b.maxEntries(max);
    }
    Long bytes = r.bytes(n, "maxBytes", "retention.maxBytes");
    if (bytes != null) {
      r.apply("retention.maxBytes", () -> b.maxBytes(bytes));
    }
    Double rate = r.number(n, "sampleRate", "retention.sampleRate", 0.0, 1.0);
    if (rate != null) {
      b.sampleRate(rate);
    }
    TranscriptStore store = b.build();
    client.listener(store);
    return store;
  }

  private @Nullable AuditLog audit(Redactor redactor) {
    JsonNode n = r.object(root, "audit", "audit", AUDIT);
    if (n == null || !r.bool(n, "enabled", "audit.enabled", true)) {
      return null;
    }
    recordStartup = r.bool(n, "recordStartup", "audit.recordStartup", true);
    AuditLog.Builder b = AuditLog.builder().redactor(redactor);
    bindings.auditSinks().forEach(b::sink);
    return b.build();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return all;
  }
}
