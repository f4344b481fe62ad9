package dev.llmops.eval.monitor;

import dev.llmops.api.CallInfo;
import dev.llmops.api.Cancellable;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ContentFilteredException;
import dev.llmops.api.Cost;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Message;
import dev.llmops.api.Money;
import dev.llmops.api.PromptRef;
import dev.llmops.api.Role;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.redaction.Redactor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Watches the distributions of production calls per {@link MonitorKey} (feature, prompt version,
 * model, variant) and {@link Signal} (latency, input and output tokens, cost, outcome, error type,
 * refusals, personal data in inputs, evaluator scores and feedback) and reports a {@link
 * DriftEvent} when a window departs from its reference.
 *
 * <p>Windows are tumbling: each {@link #check()} compares every current window holding at least
 * {@code minSamples} values with its reference, then starts a new window; the first full window of
 * a slice becomes its reference (or {@link #rebaseline()} takes the current ones). Drift is
 * reported when the PSI is at least {@code psiThreshold} (default 0.25) <em>and</em> a two-sample
 * test has a p-value below {@code alpha} (default 0.01): Kolmogorov–Smirnov for the numeric
 * signals, chi-square over the categories for the others. The PSI alone flags noise in small
 * windows, the test alone flags tiny shifts in large ones. A {@link ModelChange} (from a {@link
 * ModelChangeDetector}) ends the current window of that model's slices, so the next check compares
 * only answers of the new model (after) with the reference (before), and the drift events name the
 * change.
 *
 * <p>Numeric signals are kept in HdrHistogram histograms, the others in counters; both merge
 * across replicas: {@link #takeWindows()} takes a replica's current windows out and {@link #merge}
 * adds them to another monitor's (see {@link DriftWindows}). Memory is bounded: at most {@code
 * maxKeys} slices (default 1,000; further slices are counted in {@link #droppedKeys()}, not kept),
 * each about 33 KB. Recording a call finds its slice without building its key (a handle per slice,
 * made on the slice's first call) and updates HdrHistogram recorders and atomic counters: in steady
 * state it allocates nothing (a call sampled for the personal-data scan does). Thread-safe. Add
 * with {@code LlmClient.Builder.listener(monitor)}; call {@link #check()} on a schedule, for
 * example every minute on the client's scheduler ({@link #checkEvery}).
 *
 * <p>Replicas of a service pool their windows through a {@link DriftStore} ({@link Builder#share}):
 * at each check every replica offers its windows, and the one holding the right to check drains
 * and merges them all and compares; the others report nothing. References live in the checking
 * replica's memory: a replica that takes the right to check over starts with new references (the
 * first full pooled window of each slice).
 */
public final class DriftMonitor implements CallListener, AutoCloseable {
  static {
    HdrHistogramModule.read();
  }

  /** The outcome bins: one per finish reason in this order, then failed calls. */
  private static final List<FinishReason> OUTCOMES = List.of(FinishReason.values());
  private static final Signal[] SIGNALS = Signal.values();

  private final Clock clock;
  private final int minSamples;
  private final double psiThreshold;
  private final double alpha;
  private final int maxKeys;
  private final @Nullable Redactor piiRedactor;
  private final int piiSampleBelow;
  private final List<Consumer<DriftEvent>> listeners;
  private final List<Consumer<DriftEvent>> comparisonListeners;
  private final SliceIndex<Slice> index;
  private final Map<MonitorKey, Slice> slices;
  private final Map<String, ModelChange> changes = new ConcurrentHashMap<>();
  private final AtomicLong droppedKeys = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();
  private final AtomicLong scheduledCheckFailures = new AtomicLong();
  private final List<Cancellable> schedules = new CopyOnWriteArrayList<>();
  private final @Nullable DriftStore store;
  private final String name;
  private final String replica;
  private final Duration lease;
  /** Serialises shared checks: offer, right to check, drain and comparison are one step. */
  private final Object shareLock = new Object();
  private final AtomicLong storeFailures = new AtomicLong();
  private volatile @Nullable String lastStoreFailure;
  private final AtomicLong rejectedWindows = new AtomicLong();

  private DriftMonitor(Builder b) {
    this.clock = b.clock;
    this.minSamples = b.minSamples;
    this.psiThreshold = b.psiThreshold;
    this.alpha = b.alpha;
    this.maxKeys = b.maxKeys;
    this.piiRedactor = b.piiRedactor;
    this.piiSampleBelow = (int) Math.round(b.piiSampleRate * (1 << 24));
    this.listeners = List.copyOf(b.listeners);
    this.comparisonListeners = List.copyOf(b.comparisonListeners);
    this.index = new SliceIndex<>(maxKeys, k -> new Slice());
    this.slices = index.byKey();
    this.store = b.store;
    this.name = b.name;
    this.replica = b.replica;
    this.lease = b.lease;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    Slice s = slice(call);
    if (s == null) {
      return;
    }
    s.add(Signal.LATENCY_MS, (double) (clock.millis() - call.startedAt().toEpochMilli())); // no Duration per call
    s.add(Signal.INPUT_TOKENS, (double) response.usage().inputTokens());
    s.add(Signal.OUTPUT_TOKENS, (double) response.usage().outputTokens());
    Cost cost = call.attributes().getOrNull(Cost.KEY);
    @Nullable Money total = cost == null ? null : cost.total();
    if (total != null) {
      // BigDecimal's doubleValue of a small amount allocates nothing (Money's nano conversion would).
      s.add(Signal.COST_MICRO_USD, total.amount().doubleValue() * 1e6);
    }
    s.add(Signal.OUTCOME, OUTCOMES.indexOf(response.finishReason()));
    s.add(Signal.REFUSAL, Signal.refusal(response));
    scanInput(s, call);
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    Slice s = slice(call);
    if (s == null) {
      return;
    }
    s.add(Signal.OUTCOME, OUTCOMES.size());
    s.add(Signal.ERROR_TYPE, Signal.errorType(error));
    if (error instanceof ContentFilteredException) {
      s.add(Signal.REFUSAL, 1);
    }
    scanInput(s, call);
  }

  /**
   * Scans what the user supplied to a sampled call for personal data: the user messages of the
   * request and, for a prompt call, its text variables (the template is the application's own).
   */
  private void scanInput(Slice s, CallInfo call) {
    Redactor r = piiRedactor;
    if (r == null || (mix(call.callId().hashCode()) >>> 8) >= piiSampleBelow) {
      return;
    }
    s.add(Signal.PII_IN_INPUT, holdsPersonalData(r, call) ? 1 : 0);
  }

  private static boolean holdsPersonalData(Redactor r, CallInfo call) {
    for (Message m : call.originalRequest().messages()) {
      if (m.role() == Role.USER && !r.find(m.content()).isEmpty()) {
        return true;
      }
    }
    PromptRef prompt = call.attributes().getOrNull(PromptRef.KEY);
    if (prompt != null) {
      for (Object v : prompt.variables().values()) {
        if (v instanceof CharSequence text && !r.find(text.toString()).isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  /** Spreads a string hash over all 32 bits (Fibonacci hashing). */
  private static int mix(int h) {
    return h * 0x9E3779B9;
  }

  /** Records a value of {@code signal} for {@code key}. */
  public void record(MonitorKey key, Signal signal, double value) {
    Slice s = slice(Objects.requireNonNull(key, "key"));
    if (s != null) {
      s.add(Objects.requireNonNull(signal, "signal"), value);
    }
  }

  /**
   * Records an online score: an evaluator's as {@link Signal#SCORE}, feedback ({@code feedback.*})
   * as {@link Signal#FEEDBACK}; label-only scores (NaN) are not numbers and are left out. Add as an
   * {@link OnlineEvaluation} listener, or give the monitor to {@code
   * OnlineEvaluation.Builder.driftMonitor}.
   */
  public void score(OnlineScore score) {
    if (!Double.isNaN(score.value())) {
      record(score.key(), score.name().startsWith("feedback.") ? Signal.FEEDBACK : Signal.SCORE, score.value());
    }
  }

  /**
   * Marks a model change: the current windows of slices asking for that model (by endpoint name or
   * requested model id) start afresh, and later drift events on them name the change.
   */
  public void markModelChange(ModelChange change) {
    Objects.requireNonNull(change, "change");
    changes.put(change.endpoint(), change);
    changes.put(change.requestedModel(), change);
    slices.forEach((k, s) -> {
      if (k.model().equals(change.endpoint()) || k.model().equals(change.requestedModel())) {
        s.clearCurrent();
      }
    });
  }

  /**
   * Compares every full current window with its reference, reports drift, and starts new windows.
   * Comparison listeners get every comparison, drift listeners the drifted ones.
   *
   * <p>With a {@linkplain Builder#share store}, first offers this replica's windows to it; then, if
   * this replica holds the right to check, drains every replica's offered windows, merges them into
   * the current ones and compares; otherwise it compares nothing and returns an empty list. A
   * failing store is counted ({@link #storeFailures()}) and this check returns an empty list; the
   * windows it could not offer stay in this monitor and are offered at the next check. An offered
   * entry that does not decode is counted ({@link #rejectedWindows()}) and left out.
   *
   * @return the drift events of this check
   */
  public List<DriftEvent> check() {
    DriftStore s = store;
    if (s == null) {
      return compare();
    }
    synchronized (shareLock) {
      return pool(s) ? compare() : List.of();
    }
  }

  /**
   * Offers this replica's windows, then, holding the right to check, merges every offered window.
   *
   * @return true if this replica holds the right to check and merged what was offered
   */
  private boolean pool(DriftStore s) {
    DriftWindows own = takeWindows();
    if (!own.isEmpty()) {
      try {
        s.offer(name, own.toJson());
      } catch (RuntimeException e) {
        merge(own); // back into the current windows: offered again at the next check
        failed(e);
        return false;
      }
    }
    List<String> offered;
    try {
      if (!s.tryCheck(name, replica, lease)) {
        return false;
      }
      offered = s.drain(name, replica);
    } catch (RuntimeException e) {
      failed(e);
      return false;
    }
    for (String json : offered) {
      mergeOffered(json);
    }
    return true;
  }

  /** Merges one offered entry; what does not decode is counted and left out. */
  private void mergeOffered(String json) {
    DriftWindows windows;
    try {
      windows = DriftWindows.fromJson(json);
    } catch (IllegalArgumentException e) {
      rejectedWindows.incrementAndGet();
      return;
    }
    for (DriftWindows.Entry e : windows.entries()) {
      try {
        mergeEntry(e);
      } catch (IllegalArgumentException ex) {
        rejectedWindows.incrementAndGet();
      }
    }
  }

  private void failed(RuntimeException e) {
    storeFailures.incrementAndGet();
    lastStoreFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private List<DriftEvent> compare() {
    List<DriftEvent> compared = new ArrayList<>();
    slices.forEach((key, slice) -> {
      for (Signal signal : SIGNALS) {
        DriftEvent e = slice.check(key, signal);
        if (e != null) {
          compared.add(e);
        }
      }
    });
    List<DriftEvent> drifted = new ArrayList<>();
    for (DriftEvent e : compared) {
      notify(comparisonListeners, e);
      if (e.drifted()) {
        drifted.add(e);
        notify(listeners, e);
      }
    }
    return List.copyOf(drifted);
  }

  /**
   * Runs {@link #check()} every {@code interval} on {@code scheduler} (the client's, or the test's
   * {@code ManualScheduler}) until the returned handle is cancelled or the monitor {@linkplain
   * #close() closed}. A check that throws is counted
   * ({@link #scheduledCheckFailures()}) and the next one still runs.
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public Cancellable checkEvery(TaskScheduler scheduler, Duration interval) {
    Objects.requireNonNull(scheduler, "scheduler");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive but was " + interval);
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicReference<Cancellable> next = new AtomicReference<>();
    Runnable[] task = new Runnable[1];
    task[0] = () -> {
      if (cancelled.get()) {
        return;
      }
      try {
        check();
      } catch (RuntimeException e) {
        scheduledCheckFailures.incrementAndGet();
      }
      if (!cancelled.get()) {
        next.set(scheduler.schedule(task[0], interval));
      }
    };
    next.set(scheduler.schedule(task[0], interval));
    Cancellable handle = () -> {
      if (!cancelled.compareAndSet(false, true)) {
        return false;
      }
      Cancellable c = next.get();
      if (c != null) {
        c.cancel();
      }
      return true;
    };
    schedules.add(handle);
    return handle;
  }

  /** Scheduled checks ({@link #checkEvery}) that threw. */
  public long scheduledCheckFailures() {
    return scheduledCheckFailures.get();
  }

  private void notify(List<Consumer<DriftEvent>> to, DriftEvent e) {
    for (Consumer<DriftEvent> l : to) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        listenerFailures.incrementAndGet();
      }
    }
  }

  /** Makes every slice's current window (with at least one value) its reference. */
  public void rebaseline() {
    slices.values().forEach(Slice::rebaseline);
  }

  /**
   * Takes every current window out (they start empty), to be {@linkplain #merge merged} into
   * another replica's monitor. Windows that hold no value are left out.
   */
  public DriftWindows takeWindows() {
    List<DriftWindows.Entry> out = new ArrayList<>();
    slices.forEach((key, slice) -> {
      for (Signal signal : SIGNALS) {
        byte[] w = slice.window(signal).take();
        if (w != null) {
          out.add(new DriftWindows.Entry(key, signal, w));
        }
      }
    });
    return new DriftWindows(out);
  }

  /**
   * Adds windows taken from another monitor to the current ones, slice by slice: the next {@link
   * #check()} compares what both saw. Slices beyond {@code maxKeys} are counted in {@link
   * #droppedKeys()}.
   *
   * @throws IllegalArgumentException naming the slice and signal when a window is not one (nothing
   *     of that window is added; earlier ones are)
   */
  public void merge(DriftWindows windows) {
    for (DriftWindows.Entry e : windows.entries()) {
      try {
        mergeEntry(e);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("drift window of " + e.key() + ": " + ex.getMessage(), ex);
      }
    }
  }

  private void mergeEntry(DriftWindows.Entry e) {
    Slice s = slice(e.key());
    if (s != null) {
      s.window(e.signal()).merge(e.window());
    }
  }

  /** The values in {@code key}'s current window of {@code signal} (0 if the slice is unknown). */
  public long windowCount(MonitorKey key, Signal signal) {
    Slice s = slices.get(key);
    return s == null ? 0 : s.window(signal).currentCount();
  }

  /** The slices seen, in no order. */
  public List<MonitorKey> keys() {
    return List.copyOf(slices.keySet());
  }

  /** Slices not kept because {@code maxKeys} were already kept. */
  public long droppedKeys() {
    return droppedKeys.get();
  }

  /** Values above their signal's {@link Signal#highestTrackable()}, recorded as that value. */
  public long clampedValues() {
    long n = 0;
    for (Slice s : slices.values()) {
      for (Signal signal : SIGNALS) {
        if (s.window(signal) instanceof SignalWindow.Sketched k) {
          n += k.clamped();
        }
      }
    }
    return n;
  }

  /** How many times a listener threw (each was caught). */
  public long listenerFailures() {
    return listenerFailures.get();
  }

  /** How many shared checks failed because the store did (each is tried again at the next check). */
  public long storeFailures() {
    return storeFailures.get();
  }

  /** The last store failure, naming its exception, if any. */
  public Optional<String> lastStoreFailure() {
    return Optional.ofNullable(lastStoreFailure);
  }

  /**
   * Offered windows left out because they did not decode: an offered entry that is not {@link
   * DriftWindows} JSON counts once, and so does each window in one that is not a window of its
   * signal (its other windows are merged).
   */
  public long rejectedWindows() {
    return rejectedWindows.get();
  }

  /**
   * Cancels the checks scheduled with {@link #checkEvery}; then, with a {@linkplain Builder#share
   * store}, offers the current windows and gives up the right to check (another replica may take it
   * at once). A failing store is counted, and the windows it could not take stay here. The monitor
   * keeps recording and may check again when called.
   */
  @Override
  public void close() {
    for (Cancellable c : schedules) {
      c.cancel();
    }
    schedules.clear();
    DriftStore s = store;
    if (s == null) {
      return;
    }
    synchronized (shareLock) {
      DriftWindows own = takeWindows();
      try {
        if (!own.isEmpty()) {
          s.offer(name, own.toJson());
        }
      } catch (RuntimeException e) {
        merge(own);
        failed(e);
      }
      try {
        s.release(name, replica);
      } catch (RuntimeException e) {
        failed(e);
      }
    }
  }

  private @Nullable Slice slice(CallInfo call) {
    Slice s = index.of(call);
    if (s == null) {
      droppedKeys.incrementAndGet();
    }
    return s;
  }

  private @Nullable Slice slice(MonitorKey key) {
    Slice s = index.of(key);
    if (s == null) {
      droppedKeys.incrementAndGet();
    }
    return s;
  }

  /** One slice's windows, one per signal. */
  private final class Slice {
    private final EnumMap<Signal, SignalWindow> windows = new EnumMap<>(Signal.class);

    Slice() {
      for (Signal s : SIGNALS) {
        windows.put(s, SignalWindow.of(s));
      }
    }

    SignalWindow window(Signal signal) {
      return Objects.requireNonNull(windows.get(signal));
    }

    void add(Signal signal, double value) {
      window(signal).record(value);
    }

    void clearCurrent() {
      windows.values().forEach(SignalWindow::clearCurrent);
    }

    void rebaseline() {
      windows.values().forEach(SignalWindow::rebaseline);
    }

    @Nullable DriftEvent check(MonitorKey key, Signal signal) {
      SignalWindow w = window(signal);
      if (w.currentCount() < minSamples) {
        return null;
      }
      SignalWindow.Comparison c = w.roll();
      if (c == null) {
        return null; // the window became the reference
      }
      boolean drifted = c.psi() >= psiThreshold && c.pValue() < alpha;
      return new DriftEvent(key, signal, c.psi(), c.pValue(), c.referenceCount(), c.currentCount(), drifted,
          changes.get(key.model()), clock.instant());
    }
  }

  /** Builds a {@link DriftMonitor}. Setters check their ranges at once. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private int minSamples = 200;
    private double psiThreshold = 0.25;
    private double alpha = 0.01;
    private int maxKeys = 1000;
    private @Nullable Redactor piiRedactor;
    private double piiSampleRate;
    private final List<Consumer<DriftEvent>> listeners = new ArrayList<>();
    private final List<Consumer<DriftEvent>> comparisonListeners = new ArrayList<>();
    private @Nullable DriftStore store;
    private String name = "";
    private String replica = "";
    private Duration lease = Duration.ofMinutes(2);

    private Builder() {}

    /** The clock latencies and events are timed on (default the system's; pass the client's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Values a window needs before it is compared or becomes a reference, {@code >= 1} (default 200). */
    public Builder minSamples(int minSamples) {
      if (minSamples < 1) {
        throw new IllegalArgumentException("minSamples must be >= 1 but was " + minSamples);
      }
      this.minSamples = minSamples;
      return this;
    }

    /** The PSI at or above which a window may be reported, {@code > 0} (default 0.25). */
    public Builder psiThreshold(double threshold) {
      if (!(threshold > 0)) {
        throw new IllegalArgumentException("psiThreshold must be > 0 but was " + threshold);
      }
      this.psiThreshold = threshold;
      return this;
    }

    /** The two-sample tests' significance level, in {@code (0, 1)} (default 0.01). */
    public Builder alpha(double alpha) {
      if (!(alpha > 0 && alpha < 1)) {
        throw new IllegalArgumentException("alpha must be in (0, 1) but was " + alpha);
      }
      this.alpha = alpha;
      return this;
    }

    /** Slices kept at most, {@code >= 1} (default 1,000). */
    public Builder maxKeys(int maxKeys) {
      if (maxKeys < 1) {
        throw new IllegalArgumentException("maxKeys must be >= 1 but was " + maxKeys);
      }
      this.maxKeys = maxKeys;
      return this;
    }

    /** Adds a listener for drift events; it runs on the thread that called {@link #check()}. */
    public Builder listener(Consumer<DriftEvent> listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds a listener for every comparison, drifted or not (for example {@code llmops-otel}'s
     * {@code OtelDriftMetrics}); it runs on the thread that called {@link #check()}.
     */
    public Builder comparisonListener(Consumer<DriftEvent> listener) {
      comparisonListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Scans the user messages of a share of calls with {@code redactor} and records whether it
     * found personal data ({@link Signal#PII_IN_INPUT}). The scan runs on the calling thread when
     * the call ends, so keep the rate small on a busy service; a call is sampled by a hash of its
     * id. Off by default.
     *
     * @param sampleRate the share of calls scanned, in {@code [0, 1]}
     */
    public Builder piiScan(Redactor redactor, double sampleRate) {
      if (!(sampleRate >= 0 && sampleRate <= 1)) {
        throw new IllegalArgumentException("piiScan sampleRate must be in [0, 1] but was " + sampleRate);
      }
      this.piiRedactor = Objects.requireNonNull(redactor, "redactor");
      this.piiSampleRate = sampleRate;
      return this;
    }

    /**
     * Pools this monitor's windows with those of the other replicas of the service through {@code
     * store} (see {@link DriftMonitor#check()}): every replica offers its windows at each check, and
     * the one holding the right to check compares them all. References stay in the checking
     * replica's memory: a replica that takes the right to check over starts with new references
     * (the first full pooled window of each slice). Off by default: the monitor compares its own
     * windows.
     *
     * @param name the monitor's name in the store, the same on every replica (for example the
     *     service's name)
     * @param replica this replica's name in the store, unique among live replicas (for example the
     *     host name)
     * @throws IllegalArgumentException if a name is blank
     */
    public Builder share(DriftStore store, String name, String replica) {
      this.store = Objects.requireNonNull(store, "store");
      this.name = nonBlank(name, "name");
      this.replica = nonBlank(replica, "replica");
      return this;
    }

    /**
     * How long the right to check outlives its holder's last check, {@code > 0} (default 2 minutes:
     * two checks a minute apart). Make it longer than the interval between checks, or the right to
     * check passes between replicas, each change starting new references. Stores whose lock ends
     * with the holder's session ignore it.
     */
    public Builder lease(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("lease must be > 0 but was " + lease);
      }
      this.lease = lease;
      return this;
    }

    private static String nonBlank(String value, String parameter) {
      Objects.requireNonNull(value, parameter);
      if (value.isBlank()) {
        throw new IllegalArgumentException(parameter + " must not be blank");
      }
      return value;
    }

    /** Builds the monitor. */
    public DriftMonitor build() {
      return new DriftMonitor(this);
    }
  }
}
