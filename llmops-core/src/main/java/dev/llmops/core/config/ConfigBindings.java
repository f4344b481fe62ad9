package dev.llmops.core.config;

import dev.llmops.api.audit.AuditEvent;
import dev.llmops.api.audit.AuditSink;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.accounting.LedgerSink;
import dev.llmops.core.budget.BudgetStore;
import dev.llmops.core.experiment.shadow.ShadowSink;
import dev.llmops.core.experiment.VariantSource;
import dev.llmops.core.sink.BatchSink;
import dev.llmops.core.transcript.Transcript;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * What a configuration file cannot hold and the application supplies: model endpoints built in code
 * (for {@code provider: supplied}, fakes in tests), the environment secrets are read from, the
 * clock and scheduler, the ledger, shadow, audit and transcript sinks, the telemetry factory, and the
 * directory relative paths are resolved against.
 *
 * <pre>{@code
 * ConfigBindings bindings = ConfigBindings.builder()
 *     .model("local", myLocalModel)                                 // provider: supplied
 *     .telemetry(OtelInstrumentation.factory(openTelemetry))        // from llmops-otel
 *     .ledger(myLedger)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe if what it holds is. {@link #toString()} shows no values read from
 * the environment.
 */
public final class ConfigBindings {
  private final Map<String, ChatModel> models;
  private final Function<String, @Nullable String> environment;
  private final boolean systemEnvironment;
  private final @Nullable Path baseDirectory;
  private final @Nullable Clock clock;
  private final @Nullable TaskScheduler scheduler;
  private final @Nullable LedgerSink ledger;
  private final @Nullable ShadowSink shadowSink;
  private final List<AuditSink> auditSinks;
  private final List<BatchSink<AuditEvent>> auditBatchSinks;
  private final List<BatchSink<Transcript>> transcriptSinks;
  private final @Nullable TelemetryFactory telemetry;
  private final @Nullable RandomGenerator random;
  private final @Nullable BudgetStore budgetStore;
  private final @Nullable VariantSource variantSource;
  private final @Nullable Executor promptExecutor;
  private final @Nullable Runnable afterPromptRefresh;
  private final ClassLoader classLoader;

  private ConfigBindings(Builder b) {
    this.models = Collections.unmodifiableMap(new LinkedHashMap<>(b.models));
    this.environment = b.environment;
    this.systemEnvironment = b.systemEnvironment;
    this.baseDirectory = b.baseDirectory;
    this.clock = b.clock;
    this.scheduler = b.scheduler;
    this.ledger = b.ledger;
    this.shadowSink = b.shadowSink;
    this.auditSinks = List.copyOf(b.auditSinks);
    this.auditBatchSinks = List.copyOf(b.auditBatchSinks);
    this.transcriptSinks = List.copyOf(b.transcriptSinks);
    this.telemetry = b.telemetry;
    this.random = b.random;
    this.budgetStore = b.budgetStore;
    this.variantSource = b.variantSource;
    this.promptExecutor = b.promptExecutor;
    this.afterPromptRefresh = b.afterPromptRefresh;
    this.classLoader = b.classLoader;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Bindings with nothing bound: the system environment, the system clock, no sinks. */
  public static ConfigBindings none() {
    return builder().build();
  }

  /** The models supplied in code, by endpoint name. */
  public Map<String, ChatModel> models() {
    return models;
  }

  /** Reads an environment variable; null when unset. */
  public Function<String, @Nullable String> environment() {
    return environment;
  }

  /** The directory relative paths are resolved against, when bound. */
  public Optional<Path> baseDirectory() {
    return Optional.ofNullable(baseDirectory);
  }

  /** The clock, when bound. */
  public Optional<Clock> clock() {
    return Optional.ofNullable(clock);
  }

  /** The scheduler, when bound. */
  public Optional<TaskScheduler> scheduler() {
    return Optional.ofNullable(scheduler);
  }

  /** The ledger sink, when bound. */
  public Optional<LedgerSink> ledger() {
    return Optional.ofNullable(ledger);
  }

  /** The shadow-pair sink, when bound. */
  public Optional<ShadowSink> shadowSink() {
    return Optional.ofNullable(shadowSink);
  }

  /** The audit sinks, in the order bound. */
  public List<AuditSink> auditSinks() {
    return auditSinks;
  }

  /** The batch audit sinks, in the order bound (their queues come after those of {@link #auditSinks()}). */
  public List<BatchSink<AuditEvent>> auditBatchSinks() {
    return auditBatchSinks;
  }

  /** The durable transcript sinks, in the order bound. */
  public List<BatchSink<Transcript>> transcriptSinks() {
    return transcriptSinks;
  }

  /** The telemetry factory, when bound. */
  public Optional<TelemetryFactory> telemetry() {
    return Optional.ofNullable(telemetry);
  }

  /** The random source of retry jitter and transcript sampling, when bound. */
  public Optional<RandomGenerator> random() {
    return Optional.ofNullable(random);
  }

  /** The budget counter store, when bound. */
  public Optional<BudgetStore> budgetStore() {
    return Optional.ofNullable(budgetStore);
  }

  /** The experiments' variant source (a flag platform), when bound. */
  public Optional<VariantSource> variantSource() {
    return Optional.ofNullable(variantSource);
  }

  /** Where prompt reloads run, when bound. */
  public Optional<Executor> promptExecutor() {
    return Optional.ofNullable(promptExecutor);
  }

  /** What runs after each refresh the prompt directory watcher triggers ({@code prompts.watch}), when bound. */
  public Optional<Runnable> afterPromptRefresh() {
    return Optional.ofNullable(afterPromptRefresh);
  }

  /** The class loader {@code classpath:} prompt folders are looked up with. */
  public ClassLoader classLoader() {
    return classLoader;
  }

  /** Names what is bound, never a value read from the environment. */
  @Override
  public String toString() {
    return "ConfigBindings[models=" + models.keySet() + ", environment=" + (systemEnvironment ? "system" : "supplied")
        + ", baseDirectory=" + baseDirectory + ", telemetry=" + (telemetry != null) + ", auditSinks=" + (auditSinks.size() + auditBatchSinks.size())
        + ", transcriptSinks=" + transcriptSinks.size() + "]";
  }

  /** Builds {@link ConfigBindings}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final Map<String, ChatModel> models = new LinkedHashMap<>();
    private Function<String, @Nullable String> environment = System::getenv;
    private boolean systemEnvironment = true;
    private @Nullable Path baseDirectory;
    private @Nullable Clock clock;
    private @Nullable TaskScheduler scheduler;
    private @Nullable LedgerSink ledger;
    private @Nullable ShadowSink shadowSink;
    private final List<AuditSink> auditSinks = new ArrayList<>();
    private final List<BatchSink<AuditEvent>> auditBatchSinks = new ArrayList<>();
    private final List<BatchSink<Transcript>> transcriptSinks = new ArrayList<>();
    private @Nullable TelemetryFactory telemetry;
    private @Nullable RandomGenerator random;
    private @Nullable BudgetStore budgetStore;
    private @Nullable VariantSource variantSource;
    private @Nullable Executor promptExecutor;
    private @Nullable Runnable afterPromptRefresh;
    private ClassLoader classLoader = ConfigBindings.class.getClassLoader();

    private Builder() {}

    /**
     * Supplies the model endpoint {@code name}, which the file must declare with {@code provider:
     * supplied}.
     *
     * @throws IllegalArgumentException if the name is blank or already bound
     */
    public Builder model(String name, ChatModel model) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(model, "model");
      if (name.isBlank()) {
        throw new IllegalArgumentException("model name must not be blank");
      }
      if (models.putIfAbsent(name, model) != null) {
        throw new IllegalArgumentException("model '" + name + "' is already bound");
      }
      return this;
    }

    /**
     * Sets where environment variables (API keys, the HMAC key) are read from (default {@code
     * System::getenv}); a map's {@code get} in tests.
     */
    public Builder environment(Function<String, @Nullable String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      this.systemEnvironment = false;
      return this;
    }

    /**
     * Sets the directory relative paths in the file are resolved against (default: the file's own
     * directory, or the working directory for a configuration parsed from text).
     */
    public Builder baseDirectory(Path directory) {
      this.baseDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Sets the clock of the client and every component (default {@link Clock#systemUTC()}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the client's scheduler (default: the client's own daemon thread). */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets where ledger records go when accounting is configured (default: nowhere); written
     * through the queue of {@code accounting.ledgerQueue}. Wrap a batch writer with {@code
     * LedgerSink.batched}.
     */
    public Builder ledger(LedgerSink ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /** Sets where primary/shadow pairs go (default: the experiments' in-memory sink). */
    public Builder shadowSink(ShadowSink sink) {
      this.shadowSink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Adds a sink the audit log forwards configuration changes to (a database, a SIEM), through a
     * queue of its own configured by {@code audit.queue}.
     */
    public Builder auditSink(AuditSink sink) {
      auditSinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /** Adds a sink the audit log forwards configuration changes to in batches ({@code audit.queue}). */
    public Builder auditBatchSink(BatchSink<AuditEvent> sink) {
      auditBatchSinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /**
     * Adds a durable store the transcript store forwards every kept transcript to, redacted, in
     * batches ({@code retention.queue}); used when the {@code retention} section is on.
     */
    public Builder transcriptSink(BatchSink<Transcript> sink) {
      transcriptSinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /** Sets what makes the telemetry listener; required when the file turns telemetry on. */
    public Builder telemetry(TelemetryFactory factory) {
      this.telemetry = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** Sets the random source of retry jitter and transcript sampling; seed it in tests. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Sets the budget counter store (default in memory); a shared store across instances. */
    public Builder budgetStore(BudgetStore store) {
      this.budgetStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Lets a flag platform choose experiment variants (for example OpenFeature). */
    public Builder variantSource(VariantSource source) {
      this.variantSource = Objects.requireNonNull(source, "source");
      return this;
    }

    /** Sets where prompt reloads run (default the common pool); {@code Runnable::run} in tests. */
    public Builder promptExecutor(Executor executor) {
      this.promptExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets what runs on the watcher's thread after each refresh the prompt directory watcher
     * triggers ({@code prompts.watch: true}), to count refreshes or for a test to wait on; see
     * {@link dev.llmops.core.prompt.PromptDirectoryWatcher#start(Path,
     * dev.llmops.core.prompt.PromptRegistry, Runnable)}.
     */
    public Builder afterPromptRefresh(Runnable hook) {
      this.afterPromptRefresh = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /** Sets the class loader {@code classpath:} prompt folders are looked up with. */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /** Builds the bindings. */
    public ConfigBindings build() {
      return new ConfigBindings(this);
    }
  }
}
