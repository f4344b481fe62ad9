package dev.llmops.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.LlmClient;
import dev.llmops.core.audit.AuditBridges;
import dev.llmops.core.audit.AuditLog;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.prompt.FilePromptSource;
import dev.llmops.core.prompt.PromptDirectoryWatcher;
import dev.llmops.core.prompt.PromptDefinition;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.core.transcript.TranscriptStore;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks one configuration tree against its bindings and builds what it describes. Every section
 * is read even after problems were found, so that one exception lists them all.
 */
final class Assembler {
  private static final Set<String> TOP = Set.of(
      "version", "models", "defaultModel", "prompts", "experiments", "accounting", "budgets", "unpricedModels",
      "rateLimits", "cache",
      "resilience", "telemetry", "redaction", "retention", "audit", "slos");
  private static final Set<String> PROMPTS = Set.of("directory", "classpath", "timeToLive", "defaultLabel", "watch");
  private static final Set<String> EXPERIMENTS = Set.of("file", "definitions", "shadow");
  private static final Set<String> SHADOW = Set.of("queueCapacity", "maxConcurrent", "timeout");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  final JsonNode root;
  final ConfigReader r;
  final ConfigBindings bindings;
  final Path base;
  final Clock clock;
  final Function<String, @Nullable String> env;
  final LlmClient.Builder client = LlmClient.builder();
  final Set<String> modelNames = new LinkedHashSet<>();
  private Set<String> promptNames = Set.of();
  /** The prompt directory to watch ({@code prompts.watch: true}), started only once the file is valid. */
  private @Nullable Path watchedPrompts;
  /** Reads every {@code queue} mapping, and keeps their journal files apart. */
  final QueueSection queues;

  Assembler(JsonNode root, ConfigReader reader, ConfigBindings bindings, Path base) {
    this.root = root;
    this.r = reader;
    this.bindings = bindings;
    this.base = base;
    this.clock = bindings.clock().orElse(Clock.systemUTC());
    this.env = bindings.environment();
    this.queues = new QueueSection(this);
  }

  LlmOpsComponents assemble() {
    r.keys(root, "", TOP);
    Long version = r.integer(root, "version", "version", 1);
    if (version != null && version != 1) {
      r.problem("version", "this library reads version 1 but the file is version " + version);
    }
    ObservabilitySection observability = new ObservabilitySection(this);
    CostSection costs = new CostSection(this);
    Redactor redactor = observability.redaction();
    AuditLog audit = observability.audit(redactor);
    ModelSection models = new ModelSection(this);
    models.models();
    models.defaultModel();
    PromptRegistry prompts = prompts(audit);
    Experiments experiments = experiments(audit, prompts);
    costs.accounting();
    Budgets budgets = costs.budgets();
    costs.cache();
    Resilience resilience = new ResilienceSection(this).resilience();
    TelemetrySettings telemetry = observability.telemetry(redactor);
    TranscriptStore transcripts = observability.retention(redactor);
    List<LlmOpsConfig.SloDefinition> slos = SloSection.read(r, root);
    if (!r.problems().isEmpty()) {
      // Their queues may hold journal files locked; a rejected file must leave nothing open.
      if (audit != null) {
        audit.close();
      }
      if (transcripts != null) {
        transcripts.close();
      }
      throw new ConfigurationException(r.problems());
    }
    bindings.clock().ifPresent(client::clock);
    bindings.scheduler().ifPresent(client::scheduler);
    if (prompts != null && watchedPrompts != null) {
      client.closeOnClose(watch(watchedPrompts, prompts));
    }
    if (audit != null) {
      client.closeOnClose(audit); // flushes its sinks' queues
    }
    if (transcripts != null) {
      client.closeOnClose(transcripts);
    }
    if (audit != null && observability.recordStartup()) {
      if (budgets != null) {
        AuditBridges.budgetsApplied(budgets, clock.instant(), "config:" + r.source()).forEach(audit::record);
      }
      audit.record(new AuditEvent(clock.instant(), "config.applied", r.source(), "config:" + r.source(), null, null, Map.of()));
    }
    return new LlmOpsComponents(client, prompts, experiments, transcripts, audit, redactor, telemetry, resilience, budgets,
        slos);
  }

  /**
   * The secret in environment variable {@code name}. Messages name the variable only when it looks
   * like a variable name and not like a secret, so a key pasted here by mistake is never echoed.
   */
  @Nullable Secret secret(String name, String path) {
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

  boolean knownModel(String name, String path) {
    if (modelNames.contains(name)) {
      return true;
    }
    r.problem(path, "unknown model " + ConfigReader.quote(name) + "; the models section declares " + modelNames);
    return false;
  }


  private @Nullable PromptRegistry prompts(@Nullable AuditLog audit) {
    JsonNode p = r.object(root, "prompts", "prompts", PROMPTS);
    if (p == null) {
      return null;
    }
    String dir = r.string(p, "directory", "prompts.directory");
    String cp = r.string(p, "classpath", "prompts.classpath");
    r.exactlyOne(p, "prompts", "directory", "classpath");
    boolean watch = r.bool(p, "watch", "prompts.watch", false);
    if (watch && dir == null) {
      r.problem("prompts.watch", "watches a 'directory' of prompts; a classpath folder does not change at run time");
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
        watchedPrompts = watch ? folder : null;
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

  /**
   * Starts the prompt watcher; only once the whole file is valid, so a rejected file leaves no
   * thread behind.
   */
  private PromptDirectoryWatcher watch(Path folder, PromptRegistry registry) {
    try {
      return PromptDirectoryWatcher.start(folder, registry, bindings.afterPromptRefresh().orElse(() -> {}));
    } catch (UncheckedIOException e) {
      r.problem("prompts.watch", "cannot watch " + folder + ": " + e.getCause());
      throw new ConfigurationException(r.problems());
    }
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
}
