package dev.llmops.core.experiment;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.ConfigurationException;
import dev.llmops.core.experiment.shadow.InMemoryShadowSink;
import dev.llmops.core.experiment.shadow.Shadow;
import dev.llmops.core.experiment.shadow.ShadowPair;
import dev.llmops.core.experiment.shadow.ShadowSink;
import dev.llmops.core.pipeline.Capability;
import dev.llmops.core.pipeline.Wiring;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The experiments of one client, and the {@code EXPERIMENT} pipeline step that applies them.
 * Install with {@code LlmClient.builder().experiments(experiments)}:
 *
 * <pre>{@code
 * Experiments experiments = Experiments.fromFile(Path.of("experiments.yaml"));
 * LlmClient client = LlmClient.builder()
 *     .model("smart", smart).model("cheap", cheap)
 *     .experiments(experiments)
 *     .build();
 * }</pre>
 *
 * <p>For each call the step finds the experiments that match it (see {@link Experiment}), assigns
 * the subject in the first one that enrols it, applies that variant (model endpoint, generation
 * parameters, prompt label or version), records the {@link Assignment} and the call's {@link
 * dev.llmops.api.Fingerprint}, and publishes an {@link ExposureEvent}. A sampled fraction of an
 * experiment's calls is copied to its shadow variant after the user's call ended, through a
 * bounded queue and a concurrency cap; each primary/shadow pair goes to the {@link ShadowSink}.
 *
 * <p>Run-time changes ({@link #setWeights}, {@link #advanceRamp}, {@link #kill}, {@link #override},
 * ...) take effect for calls that start afterwards and are reported to every {@link
 * ExperimentAuditListener}. Thread-safe. One instance serves one client.
 */
@SuppressWarnings("exports") // Capability is the client's unexported wiring contract; see Capability
public final class Experiments implements Capability {
  /** A call attribute naming the experiment a call belongs to, bypassing the selectors. */
  public static final AttributeKey<String> EXPERIMENT = AttributeKey.of("llmops.experiment.key", String.class);

  /**
   * A call attribute with the subject's targeting attributes (plan, region, app version, ...: JSON
   * values), which experiments' conditions, filters and hash attributes read beside the context's
   * {@code subject}, {@code tenant}, {@code feature}, {@code apiKeyId} and tags; these win.
   */
  @SuppressWarnings("rawtypes")
  public static final AttributeKey<Map> ATTRIBUTES = AttributeKey.of("llmops.experiment.attributes", Map.class);

  /** The context tag ({@code llmops.shadow=true}) on every shadow call. */
  public static final String SHADOW_TAG = "llmops.shadow";

  private volatile Experiment[] snapshot;
  private final List<ExperimentAuditListener> auditListeners;
  private final VariantSource source;
  private final ShadowSink sink;
  private final StickyBucketStore stickyBuckets;
  private final Map<String, List<?>> savedGroups;
  private final ShadowDispatcher dispatcher;
  private final ExperimentInterceptor interceptor;
  private volatile Clock clock;
  private final boolean clockSet;
  private volatile boolean bound;
  private final AtomicLong sourceFailures = new AtomicLong();
  private final AtomicLong sinkFailures = new AtomicLong();
  private final AtomicLong auditFailures = new AtomicLong();

  private Experiments(Builder b) {
    this.snapshot = b.experiments.values().toArray(new Experiment[0]);
    this.auditListeners = List.copyOf(b.auditListeners);
    this.source = b.source;
    this.sink = b.sink;
    this.stickyBuckets = b.stickyBuckets;
    this.savedGroups = Map.copyOf(b.savedGroups);
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.clockSet = b.clock != null;
    this.dispatcher = new ShadowDispatcher(b.shadowQueueCapacity, b.shadowMaxConcurrent, b.shadowTimeout, this::deliver);
    this.interceptor = new ExperimentInterceptor(this);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Experiments with these definitions and default settings.
   *
   * @throws ConfigurationException if two share a key
   */
  public static Experiments of(Experiment... experiments) {
    Builder b = builder();
    for (Experiment e : experiments) {
      b.add(e);
    }
    return b.build();
  }

  /**
   * Experiments loaded from a YAML ({@code .yaml}, {@code .yml}) or JSON file, with default
   * settings. The format is described in {@code docs/experiments.md}.
   *
   * @throws ConfigurationException naming the file, the experiment and the field of every problem
   */
  public static Experiments fromFile(Path file) {
    return builder().load(file).build();
  }

  // ---- the pipeline step ----

  /**
   * Installs the experiment step into a client being built: checks every variant's model endpoint
   * against the client's, and gives the shadow dispatcher the client to send shadow calls through.
   * {@code LlmClient.Builder.build()} calls it, applications do not; the clock is the client's
   * unless {@link Builder#clock} set one.
   *
   * @throws ConfigurationException if a variant names an endpoint the client does not have
   * @throws IllegalStateException if already installed in a client
   */
  @Override
  public synchronized void install(Wiring wiring) {
    if (bound) {
      throw new IllegalStateException("these Experiments are already bound to a client; build one per client");
    }
    Set<String> modelEndpoints = wiring.endpoints().names();
    List<String> problems = new ArrayList<>();
    for (Experiment e : snapshot) {
      checkModels(e, modelEndpoints, "the client's endpoints", problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    if (!clockSet) {
      this.clock = wiring.clock();
    }
    dispatcher.bind(wiring.calls(), wiring.scheduler(), clock);
    wiring.interceptor(interceptor);
    bound = true;
  }

  private static void checkModels(Experiment e, Set<String> models, String what, List<String> problems) {
    for (Variant v : e.variants()) {
      if (v.model() != null && !models.contains(v.model())) {
        problems.add("experiment '" + e.key() + "': variants['" + v.key() + "'].model: unknown model endpoint '"
            + v.model() + "'; " + what + " are " + models);
      }
    }
  }

  // ---- lookups ----

  /** The experiment {@code key}, as currently in force. */
  public Optional<Experiment> get(String key) {
    Objects.requireNonNull(key, "key");
    for (Experiment e : snapshot) {
      if (e.key().equals(key)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** All experiments, in the order they were added. */
  public List<Experiment> all() {
    return List.of(snapshot);
  }

  /**
   * Assigns {@code subject} in experiment {@code key} as a call would be (without a {@link
   * VariantSource}): the pure GrowthBook assignment plus kill switch, override and forced variants.
   *
   * @return the assignment, or null when the subject is not in the experiment
   * @throws IllegalArgumentException if there is no such experiment
   */
  public @Nullable Assignment assign(String key, @Nullable String subject) {
    return require(key).assign(subject);
  }

  /**
   * Assigns a subject with these attributes in experiment {@code key} as a call would be (without a
   * {@link VariantSource}): targeting, the sticky bucket store and saved groups of these
   * experiments included.
   *
   * @return the assignment, or null when the subject is not in the experiment
   * @throws IllegalArgumentException if there is no such experiment
   */
  public @Nullable Assignment assign(String key, Map<String, ?> attributes) {
    Objects.requireNonNull(attributes, "attributes");
    return require(key).assign(
        Targeting.builder().stickyBuckets(stickyBuckets).savedGroups(savedGroups).attributes(attributes).build());
  }

  Experiment[] snapshot() {
    return snapshot;
  }

  @Nullable Assignment assign(Experiment e, @Nullable String subject, CallInfo call) {
    try {
      return e.assign(subject, source, call);
    } catch (RuntimeException ex) {
      HookFailures.logOnce(sourceFailures, "variant source " + source.getClass().getName(), ex, call);
      return e.assign(subject);
    }
  }

  /** Assigns the call in {@code e}: through a {@link Targeting} when {@code e} needs one, else by its hash value. */
  @Nullable Assignment assign(Experiment e, CallInfo call) {
    if (!e.targeted(stickyBuckets.enabled())) {
      return assign(e, hashValue(e.hashAttribute(), call.context()), call);
    }
    Targeting t = targeting(call);
    try {
      return e.assign(t, source, call);
    } catch (RuntimeException ex) {
      HookFailures.logOnce(sourceFailures, "variant source " + source.getClass().getName(), ex, call);
      return e.assign(t);
    }
  }

  /** The targeting context of a call: its context's attributes, then the caller's {@link #ATTRIBUTES}. */
  Targeting targeting(CallInfo call) {
    CallContext context = call.context();
    Targeting.Builder b = Targeting.builder().stickyBuckets(stickyBuckets).savedGroups(savedGroups);
    context.tags().forEach(b::attribute);
    putIfSet(b, "subject", context.subject());
    putIfSet(b, "tenant", context.tenant());
    putIfSet(b, "feature", context.feature());
    putIfSet(b, "apiKeyId", context.apiKeyId());
    Map<?, ?> extra = call.attributes().getOrNull(ATTRIBUTES);
    if (extra != null) {
      extra.forEach((k, v) -> b.attribute(String.valueOf(k), v));
    }
    return b.build();
  }

  private static void putIfSet(Targeting.Builder b, String name, @Nullable String value) {
    if (value != null) {
      b.attribute(name, value);
    }
  }

  /** The sticky bucket store ({@link StickyBucketStore#noop()} unless set). */
  public StickyBucketStore stickyBuckets() {
    return stickyBuckets;
  }

  /** The value of the hash attribute {@code attribute} in {@code context}, or null. */
  static @Nullable String hashValue(String attribute, CallContext context) {
    return switch (attribute) {
      case "subject" -> context.subject();
      case "tenant" -> context.tenant();
      case "apiKeyId" -> context.apiKeyId();
      default -> context.tags().get(attribute);
    };
  }

  // ---- run-time changes, each audited ----

  /**
   * Sets the weights of experiment {@code key} (one per variant, summing to 1). An experiment with
   * a ramp loses it: the weights are then set by hand.
   *
   * @return the experiment as now in force
   * @throws ConfigurationException if the weights do not fit the variants
   */
  public Experiment setWeights(String key, List<Double> weights, String reason) {
    Objects.requireNonNull(weights, "weights");
    return change(key, ExperimentChange.Kind.WEIGHTS, reason,
        e -> e.toBuilder().clearRamp().weights(weights).build(), e -> e.weights().toString());
  }

  /**
   * Moves the canary ramp of experiment {@code key} to its next step (from a rollback, to the first).
   *
   * @throws IllegalStateException if the experiment has no ramp or is at its last step
   */
  public Experiment advanceRamp(String key, String reason) {
    return change(key, ExperimentChange.Kind.RAMP, reason, e -> {
      Experiment.Ramp ramp = e.ramp();
      if (ramp == null) {
        throw new IllegalStateException("experiment '" + key + "' has no ramp");
      }
      if (e.rampStep() + 1 >= ramp.steps().size()) {
        throw new IllegalStateException("experiment '" + key + "' is at the last ramp step " + e.rampStep());
      }
      return e.toBuilder().rampStep(e.rampStep() + 1).build();
    }, Experiments::rampText);
  }

  /**
   * Rolls the canary of experiment {@code key} back: its weight drops to 0 and the other variants
   * share all traffic. {@link #advanceRamp} starts the ramp again from its first step.
   *
   * @throws IllegalStateException if the experiment has no ramp
   */
  public Experiment rollbackRamp(String key, String reason) {
    return change(key, ExperimentChange.Kind.RAMP, reason, e -> {
      if (e.ramp() == null) {
        throw new IllegalStateException("experiment '" + key + "' has no ramp");
      }
      // A new bucket version, so that sticky buckets do not keep subjects on the rolled-back canary.
      return e.toBuilder().rampStep(-1).bucketVersion(e.bucketVersion() + 1).build();
    }, Experiments::rampText);
  }

  /** Sets the status of experiment {@code key}. */
  public Experiment setStatus(String key, Experiment.Status status, String reason) {
    Objects.requireNonNull(status, "status");
    return change(key, ExperimentChange.Kind.STATUS, reason, e -> e.toBuilder().status(status).build(),
        e -> e.status().name());
  }

  /** The kill switch: every matching call gets control. Same as {@code setStatus(key, KILLED, reason)}. */
  public Experiment kill(String key, String reason) {
    return setStatus(key, Experiment.Status.KILLED, reason);
  }

  /**
   * Sends every call of experiment {@code key} to {@code variant} (an incident switch), or clears
   * the override with null.
   *
   * @throws ConfigurationException if there is no such variant
   */
  public Experiment override(String key, @Nullable String variant, String reason) {
    return change(key, ExperimentChange.Kind.OVERRIDE, reason, e -> e.toBuilder().override(variant).build(),
        e -> String.valueOf(e.override()));
  }

  /**
   * Forces {@code subject} to {@code variant} in experiment {@code key} (for QA), or releases it
   * with a null variant. Audited with the subject in neither value: only the variant is recorded.
   *
   * @throws ConfigurationException if there is no such variant
   */
  public Experiment force(String key, String subject, @Nullable String variant, String reason) {
    Objects.requireNonNull(subject, "subject");
    return change(key, ExperimentChange.Kind.FORCED, reason,
        e -> (variant == null ? e.toBuilder().unforce(subject) : e.toBuilder().force(subject, variant)).build(),
        e -> String.valueOf(e.forced().get(subject)));
  }

  private static String rampText(Experiment e) {
    return "step " + e.rampStep() + " " + e.weights();
  }

  private synchronized Experiment change(
      String key,
      ExperimentChange.Kind kind,
      String reason,
      UnaryOperator<Experiment> how,
      java.util.function.Function<Experiment, String> describe) {
    Objects.requireNonNull(reason, "reason");
    Experiment before = require(key);
    Experiment after = how.apply(before);
    Experiment[] next = snapshot.clone();
    for (int i = 0; i < next.length; i++) {
      if (next[i] == before) {
        next[i] = after;
      }
    }
    snapshot = next;
    ExperimentChange change =
        new ExperimentChange(key, kind, describe.apply(before), describe.apply(after), reason, clock.instant());
    for (ExperimentAuditListener l : auditListeners) {
      try {
        l.changed(change);
      } catch (RuntimeException ex) {
        HookFailures.logOnce(auditFailures, "audit listener " + l.getClass().getName(), ex);
      }
    }
    return after;
  }

  private Experiment require(String key) {
    Objects.requireNonNull(key, "key");
    return get(key).orElseThrow(() -> new IllegalArgumentException(
        "no experiment '" + key + "'; experiments are " + keys()));
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (Experiment e : snapshot) {
      keys.add(e.key());
    }
    return keys;
  }

  // ---- shadow traffic ----

  Clock clock() {
    return clock;
  }

  ShadowDispatcher dispatcher() {
    return dispatcher;
  }

  boolean shadowsEnabled() {
    return dispatcher.bound();
  }

  void deliver(ShadowPair pair) {
    try {
      sink.accept(pair);
    } catch (RuntimeException e) {
      HookFailures.logOnce(sinkFailures, "shadow sink " + sink.getClass().getName(), e);
    }
  }

  /** The shadow sink pairs go to. */
  public ShadowSink shadowSink() {
    return sink;
  }

  /** Counters of shadow traffic so far. */
  public ShadowStats shadowStats() {
    return new ShadowStats(
        dispatcher.offered(), dispatcher.dropped(), dispatcher.started(), dispatcher.finished(),
        dispatcher.queued(), dispatcher.running(), sinkFailures.get());
  }

  /** How many times the variant source, the sink or an audit listener threw (each was caught). */
  public long hookFailures() {
    return sourceFailures.get() + sinkFailures.get() + auditFailures.get();
  }

  /**
   * Shadow traffic counters. Immutable.
   *
   * @param offered calls sampled for a shadow copy
   * @param dropped copies dropped because the queue was full (or the scheduler closed)
   * @param started shadow calls started
   * @param finished shadow calls ended (answered, failed or timed out)
   * @param queued copies waiting for a slot now
   * @param running shadow calls in flight now
   * @param sinkFailures times the sink threw
   */
  public record ShadowStats(
      long offered, long dropped, long started, long finished, int queued, int running, long sinkFailures) {}

  @Override
  public String toString() {
    return "Experiments" + keys();
  }

  /**
   * Builds {@link Experiments}. Setters validate at once; {@link #build()} checks the definitions
   * against the known models and prompts, if given. Not thread-safe.
   */
  public static final class Builder {
    private final Map<String, Experiment> experiments = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<ExperimentAuditListener> auditListeners = new ArrayList<>();
    private VariantSource source = VariantSource.none();
    private ShadowSink sink = InMemoryShadowSink.create();
    private StickyBucketStore stickyBuckets = StickyBucketStore.noop();
    private final Map<String, List<?>> savedGroups = new LinkedHashMap<>();
    private final Set<String> knownModels = new LinkedHashSet<>();
    private final Set<String> knownPrompts = new LinkedHashSet<>();
    private @Nullable Clock clock;
    private int shadowQueueCapacity = 64;
    private int shadowMaxConcurrent = 4;
    private Duration shadowTimeout = Duration.ofMinutes(2);

    private Builder() {}

    /** Adds an experiment; keys must be unique. */
    public Builder add(Experiment experiment) {
      Objects.requireNonNull(experiment, "experiment");
      if (experiments.putIfAbsent(experiment.key(), experiment) != null) {
        problems.add("experiment '" + experiment.key() + "': key: defined twice");
      }
      return this;
    }

    /**
     * Adds the experiments of a YAML ({@code .yaml}, {@code .yml}) or JSON file.
     *
     * @throws ConfigurationException naming the file, experiment and field of every problem
     */
    public Builder load(Path file) {
      ExperimentFiles.read(Objects.requireNonNull(file, "file")).forEach(this::add);
      return this;
    }

    /**
     * Adds the experiments of a YAML (or JSON, which is YAML too) text; {@code source} names it in
     * errors.
     *
     * @throws ConfigurationException naming the source, experiment and field of every problem
     */
    public Builder loadYaml(String yaml, String source) {
      ExperimentFiles.parse(Objects.requireNonNull(yaml, "yaml"), Objects.requireNonNull(source, "source"))
          .forEach(this::add);
      return this;
    }

    /** Adds a listener for run-time changes. */
    public Builder auditListener(ExperimentAuditListener listener) {
      auditListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Lets another system (a flag platform) choose variants before hashing (default: none). */
    public Builder variantSource(VariantSource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Keeps subjects on their variant when weights change, through {@code store} (default {@link
     * StickyBucketStore#noop()}: off). A rollback raises the experiment's bucket version, so that
     * nobody stays on a rolled-back canary.
     */
    public Builder stickyBuckets(StickyBucketStore store) {
      this.stickyBuckets = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Adds saved groups (group id to members) for conditions' {@code $inGroup} and {@code $notInGroup}. */
    public Builder savedGroups(Map<String, ? extends List<?>> groups) {
      Objects.requireNonNull(groups, "groups").forEach((id, members) -> savedGroups.put(
          Objects.requireNonNull(id, "group id"), List.copyOf(Objects.requireNonNull(members, "members"))));
      return this;
    }

    /** Where primary/shadow pairs go (default: an {@link InMemoryShadowSink} of 1,000 pairs). */
    public Builder shadowSink(ShadowSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /** Shadow copies that may wait for a slot before new ones are dropped (default 64). */
    public Builder shadowQueueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("shadowQueueCapacity must be >= 1 but was " + capacity);
      }
      this.shadowQueueCapacity = capacity;
      return this;
    }

    /** Shadow calls in flight at once (default 4). */
    public Builder shadowMaxConcurrent(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("shadowMaxConcurrent must be >= 1 but was " + max);
      }
      this.shadowMaxConcurrent = max;
      return this;
    }

    /** How long a shadow call may run before it is cancelled (default 2 minutes). */
    public Builder shadowTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("shadowTimeout must be > 0 but was " + timeout);
      }
      this.shadowTimeout = timeout;
      return this;
    }

    /** Checks at {@link #build()} that every variant's model is one of {@code models}. */
    public Builder knownModels(Collection<String> models) {
      knownModels.addAll(Objects.requireNonNull(models, "models"));
      return this;
    }

    /** Checks at {@link #build()} that every experiment's prompt selector is one of {@code prompts}. */
    public Builder knownPrompts(Collection<String> prompts) {
      knownPrompts.addAll(Objects.requireNonNull(prompts, "prompts"));
      return this;
    }

    /** The clock for audit times and shadow latencies (default: the client's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the experiments.
     *
     * @throws ConfigurationException listing every problem (duplicate keys, unknown models or prompts)
     */
    public Experiments build() {
      List<String> all = new ArrayList<>(problems);
      for (Experiment e : experiments.values()) {
        if (!knownModels.isEmpty()) {
          checkModels(e, knownModels, "known models", all);
        }
        String prompt = e.prompt();
        if (!knownPrompts.isEmpty() && prompt != null && !knownPrompts.contains(prompt)) {
          all.add("experiment '" + e.key() + "': prompt: unknown prompt '" + prompt + "'; known prompts are "
              + knownPrompts);
        }
      }
      if (!all.isEmpty()) {
        throw new ConfigurationException(all);
      }
      return new Experiments(this);
    }
  }
}
