package dev.llmops.core.prompt;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.PromptNotFoundException;
import dev.llmops.api.PromptRef;
import dev.llmops.core.pipeline.Capability;
import dev.llmops.core.pipeline.Wiring;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named prompts with immutable numbered versions and labels, loaded from a {@link PromptSource}
 * and cached.
 *
 * <pre>{@code
 * PromptRegistry prompts = PromptRegistry.fromDirectory(Path.of("prompts"));
 * LlmClient client = LlmClient.builder().model("smart", model).prompts(prompts).build();
 * Completion c = client.prompt("support-reply").variable("question", q).call();
 * c.attribute(Fingerprint.KEY);   // prompt name, version, content hash, model, parameters hash
 * }</pre>
 *
 * <h2>Resolution</h2>
 *
 * A prompt name plus a label (default {@link #PRODUCTION}, see {@link Builder#defaultLabel}) or an
 * exact version resolves to one pinned {@link PromptVersion}; {@link #LATEST} is an implicit label
 * for the highest version. An unknown prompt, label or version fails with {@link
 * PromptNotFoundException}.
 *
 * <h2>Caching</h2>
 *
 * Each prompt is loaded from the source when first asked for and cached (Caffeine). Once its copy
 * is older than the time-to-live (default 30 s), the next lookup still answers from the cache and
 * reloads it on the executor (refresh in the background). If the reload fails, the last good copy
 * stays and is served as stale (stale-if-error): the registry's listeners get a {@link
 * PromptEvent.RefreshFailed}, each call served the stale copy a {@link PromptEvent.StaleServed}, and the source
 * is tried again one time-to-live later. If the very first load fails and the application
 * registered a {@linkplain Builder#fallback fallback prompt}, the fallback is served the same way.
 * Time is read from the injected {@link Clock}, so a test clock drives expiry without sleeping.
 *
 * <h2>Label moves</h2>
 *
 * {@link #promote} and {@link #rollback} move a label, check the target version exists in the
 * source at that moment, have the source store the move (a file source rewrites its labels file),
 * update the cache at once and record a {@link PromptEvent.LabelMoved} (who, when, from, to) in {@link
 * #history()} and to the listeners.
 *
 * <p>Thread-safe; build one per application and share it.
 */
@SuppressWarnings("exports") // Capability is the client's unexported wiring contract; see Capability
public final class PromptRegistry implements Capability {
  /** The implicit label of a prompt's highest version. */
  public static final String LATEST = "latest";
  /** The default label: what a call gets when it names neither a label nor a version. */
  public static final String PRODUCTION = "production";
  /** The call attribute holding the {@link PromptVersion} the prompt step pinned the call to. */
  public static final AttributeKey<PromptVersion> VERSION_KEY =
      AttributeKey.of("llmops.prompt.version", PromptVersion.class);

  private static final Logger LOG = LoggerFactory.getLogger(PromptRegistry.class);

  private final PromptSource source;
  private final Clock clock;
  private final String defaultLabel;
  private final Map<String, PromptVersion> fallbacks;
  private final List<PromptEventListener> listeners;
  private final LoadingCache<String, Entry> cache;
  private final Loader loader = new Loader();
  /** Label moves the source could not store: prompt name to label to version. */
  private final ConcurrentHashMap<String, Map<String, Integer>> unpersisted = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<PromptEvent.LabelMoved> history = new CopyOnWriteArrayList<>();
  private final Object moves = new Object();
  private final PromptInterceptor interceptor;

  private PromptRegistry(Builder b, PromptSource source) {
    this.source = source;
    this.clock = b.clock;
    this.defaultLabel = b.defaultLabel;
    this.fallbacks = Map.copyOf(b.fallbacks);
    this.listeners = List.copyOf(b.listeners);
    Clock c = b.clock;
    Ticker ticker = () -> {
      Instant now = c.instant();
      return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    };
    this.cache = Caffeine.newBuilder()
        .ticker(ticker)
        .executor(b.executor)
        .refreshAfterWrite(b.timeToLive)
        .build(loader);
    this.interceptor = new PromptInterceptor(this);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A registry over the directory {@code root} with the defaults of {@link Builder}.
   *
   * @throws ConfigurationException if the directory or a file in it is invalid
   */
  public static PromptRegistry fromDirectory(Path root) {
    return builder().source(FilePromptSource.directory(root)).build();
  }

  /**
   * A registry over the classpath folder {@code root} with the defaults of {@link Builder}.
   *
   * @throws ConfigurationException if the folder is missing or a file in it is invalid
   */
  public static PromptRegistry fromClasspath(String root) {
    return builder().source(FilePromptSource.classpath(root)).build();
  }

  /** The label resolved when a call names neither a label nor a version. */
  public String defaultLabel() {
    return defaultLabel;
  }

  /**
   * The version the {@link #defaultLabel()} of {@code name} points at.
   *
   * @throws PromptNotFoundException if the prompt or label is unknown
   */
  public PromptVersion resolve(String name) {
    return resolve(name, null, null).version;
  }

  /**
   * The version {@code label} of {@code name} points at ({@link #LATEST}: the highest).
   *
   * @throws PromptNotFoundException if the prompt or label is unknown
   */
  public PromptVersion resolve(String name, String label) {
    return resolve(name, Objects.requireNonNull(label, "label"), null).version;
  }

  /**
   * Version {@code version} of {@code name}.
   *
   * @throws PromptNotFoundException if the prompt or version is unknown
   */
  public PromptVersion resolve(String name, int version) {
    return resolve(name, null, version).version;
  }

  /** The version {@code ref} names: its exact version if set, else its label, else the default. */
  public PromptVersion resolve(PromptRef ref) {
    return resolve(ref.name(), ref.label(), ref.version()).version;
  }

  /**
   * Resolves {@code ref} and renders it with its variables.
   *
   * @throws PromptNotFoundException if the prompt, label or version is unknown
   * @throws dev.llmops.api.TemplateVariableMissingException if a variable is missing
   */
  public PromptVersion.Rendered render(PromptRef ref) {
    return resolve(ref).render(ref.variables());
  }

  /**
   * The labels of {@code name} and the versions they point at ({@link #LATEST} not included).
   *
   * @throws PromptNotFoundException if the prompt is unknown
   */
  public Map<String, Integer> labels(String name) {
    Entry e = entry(name, "labels");
    return e.definition().labels();
  }

  /**
   * The names of the prompts this registry knows, sorted: those loaded so far and, when the source
   * is a {@link FilePromptSource}, every prompt its files hold. A read-only snapshot for operators
   * (the Spring Boot actuator endpoint lists labels with it); it loads no prompt into the cache.
   */
  public SortedSet<String> names() {
    TreeSet<String> names = new TreeSet<>();
    cache.asMap().forEach((name, entry) -> {
      if (entry != Entry.ABSENT) {
        names.add(name);
      }
    });
    if (source instanceof FilePromptSource files) {
      names.addAll(files.names());
    }
    return Collections.unmodifiableSortedSet(names);
  }

  /**
   * Every version of {@code name}, oldest first.
   *
   * @throws PromptNotFoundException if the prompt is unknown
   */
  public List<PromptVersion> versions(String name) {
    return entry(name, "versions").definition().versions();
  }

  /**
   * Installs the prompt step into a client being built; {@code LlmClient.Builder.prompts} calls
   * it, applications do not. Several clients may share one registry.
   */
  @Override
  public void install(Wiring wiring) {
    wiring.interceptor(interceptor);
  }

  /** Every label move made through this registry, oldest first. */
  public List<PromptEvent.LabelMoved> history() {
    return List.copyOf(history);
  }

  /**
   * Points {@code label} of {@code name} at {@code version}.
   *
   * @param actor who does it, recorded in the audit event
   * @return the audit event, also sent to the listeners
   * @throws PromptNotFoundException if the prompt or the version is not in the source
   * @throws IllegalArgumentException if the label is {@link #LATEST} or not a valid name, or the
   *     actor is blank
   */
  public PromptEvent.LabelMoved promote(String name, String label, int version, String actor) {
    return move(name, label, version, actor, false);
  }

  /**
   * Points {@code label} of {@code name} back at the version it pointed at before its last
   * promotion through this registry (repeated rollbacks walk further back); when this registry's
   * history does not tell, at the highest version below the current one.
   *
   * @return the audit event, also sent to the listeners
   * @throws PromptNotFoundException if the prompt or label is unknown
   * @throws IllegalStateException if there is no earlier version to go back to
   */
  public PromptEvent.LabelMoved rollback(String name, String label, String actor) {
    synchronized (moves) {
      PromptDefinition d = fresh(name);
      Integer current = d.labels().get(label);
      if (current == null) {
        throw new PromptNotFoundException(
            "prompt '" + name + "' has no label '" + label + "' to roll back", name, "label " + label);
      }
      Integer target = previousFromHistory(name, label, current);
      if (target == null) {
        for (PromptVersion v : d.versions()) {
          if (v.version() < current) {
            target = v.version();
          }
        }
      }
      if (target == null) {
        throw new IllegalStateException(
            "prompt '" + name + "' label '" + label + "' points at version " + current + "; there is no earlier version");
      }
      return move(name, label, target, actor, true);
    }
  }

  /**
   * The version to roll back to per this registry's history: promotions push the version they
   * moved away from, rollbacks pop one. Null when the history does not end at {@code current}
   * (the label was moved elsewhere, say by editing the labels file) or holds nothing to go back to.
   */
  private @Nullable Integer previousFromHistory(String name, String label, int current) {
    java.util.ArrayDeque<Integer> undo = new java.util.ArrayDeque<>();
    PromptEvent.LabelMoved last = null;
    for (PromptEvent.LabelMoved m : history) {
      if (m.promptName().equals(name) && m.label().equals(label)) {
        last = m;
        if (m.rollback()) {
          undo.pollLast();
        } else if (m.fromVersion() != null) {
          undo.addLast(m.fromVersion());
        }
      }
    }
    return last == null || last.toVersion() != current ? null : undo.peekLast();
  }

  /**
   * Points {@code label} of {@code name} back at {@code version}, recorded as a rollback.
   *
   * @return the audit event, also sent to the listeners
   * @throws PromptNotFoundException if the prompt or the version is not in the source
   */
  public PromptEvent.LabelMoved rollback(String name, String label, int version, String actor) {
    return move(name, label, version, actor, true);
  }

  /**
   * Reloads every cached prompt from the source now, on the calling thread (to pick up edits
   * before the time-to-live runs out, from a file watcher or an admin endpoint). A failing
   * source leaves the last good state, as a background refresh does.
   */
  public void refresh() {
    for (String name : List.copyOf(cache.asMap().keySet())) {
      Entry old = cache.getIfPresent(name);
      if (old != null) {
        cache.put(name, loader.reload(name, old));
      }
    }
  }

  private PromptEvent.LabelMoved move(String name, String label, int version, String actor, boolean rollback) {
    PromptVersion.checkName(label, "label");
    if (LATEST.equals(label)) {
      throw new IllegalArgumentException("label '" + LATEST + "' is implicit and cannot be moved");
    }
    Objects.requireNonNull(actor, "actor");
    if (actor.isBlank()) {
      throw new IllegalArgumentException("actor must name who moves the label");
    }
    synchronized (moves) {
      PromptDefinition d = fresh(name);
      if (d.version(version).isEmpty()) {
        throw new PromptNotFoundException(
            "prompt '" + name + "' has no version " + version + " (versions " + numbers(d) + ")", name,
            "version " + version);
      }
      Integer from = d.labels().get(label);
      boolean persisted = source.moveLabel(name, label, from, version, actor);
      if (persisted) {
        unpersisted.computeIfPresent(name, (n, m) -> {
          Map<String, Integer> left = new LinkedHashMap<>(m);
          left.remove(label);
          return left.isEmpty() ? null : Map.copyOf(left);
        });
      } else {
        unpersisted.merge(name, Map.of(label, version), (m, add) -> {
          Map<String, Integer> both = new LinkedHashMap<>(m);
          both.putAll(add);
          return Map.copyOf(both);
        });
      }
      Entry old = cache.getIfPresent(name);
      cache.put(name, Entry.fresh(reuse(old, d.withLabel(label, version))));
      PromptEvent.LabelMoved event =
          new PromptEvent.LabelMoved(name, label, from, version, actor, clock.instant(), rollback, persisted);
      history.add(event);
      LOG.info("prompt '{}' label '{}' moved from version {} to {} by {}{}", name, label, from, version, actor,
          rollback ? " (rollback)" : "");
      publish(event);
      return event;
    }
  }

  private static List<Integer> numbers(PromptDefinition d) {
    List<Integer> out = new ArrayList<>();
    d.versions().forEach(v -> out.add(v.version()));
    return out;
  }

  /** The prompt as the source holds it now, with the unpersisted moves on top. */
  private PromptDefinition fresh(String name) {
    Optional<PromptDefinition> d = source.load(Objects.requireNonNull(name, "name"));
    if (d.isEmpty()) {
      throw notFound(name, "prompt");
    }
    return withUnpersisted(d.get());
  }

  private PromptDefinition withUnpersisted(PromptDefinition d) {
    Map<String, Integer> moved = unpersisted.get(d.name());
    if (moved == null) {
      return d;
    }
    PromptDefinition out = d;
    for (Map.Entry<String, Integer> m : moved.entrySet()) {
      if (out.version(m.getValue()).isPresent()) {
        out = out.withLabel(m.getKey(), m.getValue());
      }
    }
    return out;
  }

  /** The loaded definition with versions that did not change replaced by the cached instances. */
  private static PromptDefinition reuse(@Nullable Entry old, PromptDefinition loaded) {
    if (old == null || old == Entry.ABSENT || old.fallback) {
      return loaded;
    }
    List<PromptVersion> versions = new ArrayList<>(loaded.versions().size());
    boolean changed = false;
    for (PromptVersion v : loaded.versions()) {
      PromptVersion cached = old.definition().version(v.version()).orElse(null);
      if (cached != null && cached.equals(v)) {
        versions.add(cached);
        changed = true;
      } else {
        versions.add(v);
      }
    }
    return changed ? new PromptDefinition(loaded.name(), versions, loaded.labels()) : loaded;
  }

  private Entry entry(String name, String selector) {
    Objects.requireNonNull(name, "name");
    Entry e = cache.get(name);
    if (e == Entry.ABSENT) {
      throw notFound(name, selector);
    }
    return e;
  }

  private PromptNotFoundException notFound(String name, String selector) {
    return new PromptNotFoundException("no prompt '" + name + "' in " + source, name, selector);
  }

  /** Resolves a selector to a pinned version, with the cache entry it came from. */
  Resolution resolve(String name, @Nullable String label, @Nullable Integer version) {
    Objects.requireNonNull(name, "name");
    Entry e = cache.get(name);
    if (e == Entry.ABSENT) {
      throw notFound(name, version != null ? "version " + version : "label " + (label != null ? label : defaultLabel));
    }
    if (e.fallback) {
      return new Resolution(e.definition().latest(), null, e);
    }
    PromptDefinition d = e.definition();
    if (version != null) {
      Optional<PromptVersion> v = d.version(version);
      if (v.isEmpty()) {
        throw new PromptNotFoundException(
            "prompt '" + name + "' has no version " + version + " (versions " + numbers(d) + ")", name,
            "version " + version);
      }
      return new Resolution(v.get(), null, e);
    }
    String l = label != null ? label : defaultLabel;
    if (LATEST.equals(l)) {
      return new Resolution(d.latest(), l, e);
    }
    Resolution last = e.lastByLabel;
    if (last != null && l.equals(last.label)) {
      return last; // the entry is immutable: a label resolves as it did the last time
    }
    Integer n = d.labels().get(l);
    if (n == null) {
      throw new PromptNotFoundException(
          "prompt '" + name + "' has no label '" + l + "' (labels " + d.labels().keySet() + " and '" + LATEST + "')",
          name, "label " + l);
    }
    Resolution resolved = new Resolution(d.version(n).orElseThrow(), l, e);
    e.lastByLabel = resolved;
    return resolved;
  }

  private void publish(PromptEvent event) {
    for (PromptEventListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException ex) {
        LOG.warn("prompt event listener {} threw {} on {}", l.getClass().getName(), ex.getClass().getName(),
            event.name());
      }
    }
  }

  private static String reason(RuntimeException e) {
    if (e instanceof ConfigurationException) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    return e.getClass().getName();
  }

  /** A pinned version, the label that chose it (null for an exact version), its cache entry. */
  static final class Resolution {
    final PromptVersion version;
    final @Nullable String label;
    final Entry entry;

    Resolution(PromptVersion version, @Nullable String label, Entry entry) {
      this.version = version;
      this.label = label;
      this.entry = entry;
    }
  }

  /**
   * A cached prompt, and whether it is stale (its source failed since) or the fallback; {@link
   * #ABSENT} caches "the source has no such prompt" for one time-to-live.
   */
  static final class Entry {
    static final Entry ABSENT = new Entry(null, null, "", false);

    private final @Nullable PromptDefinition definition;
    final @Nullable Instant staleSince;
    final String reason;
    final boolean fallback;
    /** The last label resolution in this entry; calls mostly repeat it. */
    volatile @Nullable Resolution lastByLabel;

    private Entry(@Nullable PromptDefinition definition, @Nullable Instant staleSince, String reason, boolean fallback) {
      this.definition = definition;
      this.staleSince = staleSince;
      this.reason = reason;
      this.fallback = fallback;
    }

    PromptDefinition definition() {
      return Objects.requireNonNull(definition, "ABSENT has no definition");
    }

    static Entry fresh(PromptDefinition d) {
      return new Entry(d, null, "", false);
    }

    Entry stale(Instant now, String why) {
      return new Entry(definition, staleSince != null ? staleSince : now, why, fallback);
    }
  }

  /** Loads through the source; keeps the last good entry when a reload fails. */
  private final class Loader implements CacheLoader<String, Entry> {
    @Override
    public Entry load(String name) {
      try {
        return source.load(name).map(d -> Entry.fresh(withUnpersisted(d))).orElse(Entry.ABSENT);
      } catch (RuntimeException e) {
        PromptVersion fallback = fallbacks.get(name);
        if (fallback == null) {
          throw e;
        }
        Instant now = clock.instant();
        String why = reason(e);
        publish(new PromptEvent.RefreshFailed(name, now, why, true));
        return new Entry(PromptDefinition.of(List.of(fallback)), now, why, true);
      }
    }

    @Override
    public Entry reload(String name, Entry old) {
      try {
        Optional<PromptDefinition> d = source.load(name);
        if (d.isPresent()) {
          return Entry.fresh(reuse(old, withUnpersisted(d.get())));
        }
        return old == Entry.ABSENT ? old : failed(name, old, "the source no longer has prompt '" + name + "'");
      } catch (RuntimeException e) {
        return failed(name, old, reason(e));
      }
    }

    private Entry failed(String name, Entry old, String why) {
      Instant now = clock.instant();
      publish(new PromptEvent.RefreshFailed(name, now, why, old.fallback));
      LOG.warn("prompt '{}' could not be refreshed, serving the last good copy: {}", name, why);
      return old.stale(now, why);
    }
  }

  /** Builds a {@link PromptRegistry}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable PromptSource source;
    private Clock clock = Clock.systemUTC();
    private Executor executor = ForkJoinPool.commonPool();
    private Duration timeToLive = Duration.ofSeconds(30);
    private String defaultLabel = PRODUCTION;
    private final Map<String, PromptVersion> fallbacks = new LinkedHashMap<>();
    private final List<PromptEventListener> listeners = new ArrayList<>();

    private Builder() {}

    /** Sets where prompts come from (required). */
    public Builder source(PromptSource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** Sets the clock that ages cached prompts and stamps events (default: {@link Clock#systemUTC()}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets where background reloads run (default: {@link ForkJoinPool#commonPool()}); {@code
     * Runnable::run} reloads on the thread of the lookup that found the copy too old.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets how old a cached prompt may get before a lookup reloads it (default: 30 seconds).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder timeToLive(Duration timeToLive) {
      Objects.requireNonNull(timeToLive, "timeToLive");
      if (timeToLive.isNegative() || timeToLive.isZero()) {
        throw new IllegalArgumentException("timeToLive must be positive but was " + timeToLive);
      }
      this.timeToLive = timeToLive;
      return this;
    }

    /** Sets the label a call gets when it names neither label nor version (default {@link #PRODUCTION}). */
    public Builder defaultLabel(String label) {
      this.defaultLabel = PromptVersion.checkName(label, "label");
      return this;
    }

    /**
     * Registers the prompt served, for every label and version of its name, when the source fails
     * before that prompt was ever loaded.
     *
     * @throws IllegalArgumentException if a fallback for that name is already registered
     */
    public Builder fallback(PromptVersion fallback) {
      Objects.requireNonNull(fallback, "fallback");
      if (fallbacks.putIfAbsent(fallback.name(), fallback) != null) {
        throw new IllegalArgumentException("a fallback for prompt '" + fallback.name() + "' is already registered");
      }
      return this;
    }

    /** Adds a listener for label moves and refresh failures. */
    public Builder listener(PromptEventListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the registry. Nothing is loaded until a prompt is first asked for.
     *
     * @throws IllegalStateException if no source was set
     */
    public PromptRegistry build() {
      if (source == null) {
        throw new IllegalStateException("set a prompt source with source(...)");
      }
      return new PromptRegistry(this, source);
    }
  }
}
