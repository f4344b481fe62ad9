package dev.llmops.eval.monitor;

import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Cost;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Money;
import dev.llmops.eval.stats.Drift;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Watches the distributions of production calls per {@link MonitorKey} (feature, prompt version,
 * model, variant) and {@link Signal} (latency, input and output tokens, cost, outcome, evaluator
 * scores and feedback) and reports a {@link DriftEvent} when a window departs from its reference.
 *
 * <p>Windows are tumbling: each {@link #check()} compares every current window holding at least
 * {@code minSamples} calls with its reference, then starts a new window; the first full window of a
 * slice becomes its reference (or {@link #rebaseline()} takes the current ones). Drift is reported
 * when the PSI is at least {@code psiThreshold} (default 0.25) <em>and</em> the chi-square
 * two-sample test over the same bins has a p-value below {@code alpha} (default 0.01): the PSI
 * alone flags noise in small windows, the test alone flags tiny shifts in large ones. A {@link
 * ModelChange} (from a {@link ModelChangeDetector}) ends the current window of that model's
 * slices, so the next check compares only answers of the new model (after) with the reference
 * (before), and the drift events name the change.
 *
 * <p>Memory is bounded: at most {@code maxKeys} slices (default 1,000; further slices are counted
 * in {@link #droppedKeys()}, not kept), each with two arrays of counters per signal. Counters are
 * mergeable across replicas by addition ({@link #counts}). Recording a call finds its slice without
 * building its key (a handle per slice, made on the slice's first call) and updates atomic counters:
 * in steady state it allocates nothing. Thread-safe. Add with {@code LlmClient.Builder.listener(monitor)}; call {@link #check()}
 * on a schedule (for example every minute on the client's scheduler).
 */
public final class DriftMonitor implements CallListener {
  /** The outcome bins: one per finish reason in this order, then failed calls. */
  private static final List<FinishReason> OUTCOMES = List.of(FinishReason.values());

  private final Clock clock;
  private final int minSamples;
  private final double psiThreshold;
  private final double alpha;
  private final int maxKeys;
  private final List<Consumer<DriftEvent>> listeners;
  private final SliceIndex<Slice> index;
  private final Map<MonitorKey, Slice> slices;
  private final Map<String, ModelChange> changes = new ConcurrentHashMap<>();
  private final AtomicLong droppedKeys = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();

  private DriftMonitor(Builder b) {
    this.clock = b.clock;
    this.minSamples = b.minSamples;
    this.psiThreshold = b.psiThreshold;
    this.alpha = b.alpha;
    this.maxKeys = b.maxKeys;
    this.listeners = List.copyOf(b.listeners);
    this.index = new SliceIndex<>(maxKeys, k -> new Slice());
    this.slices = index.byKey();
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
      // A double is exact enough for a half-octave bin, and BigDecimal's doubleValue of a small
      // amount allocates nothing (Money's nano conversion would).
      s.add(Signal.COST_MICRO_USD, total.amount().doubleValue() * 1e6);
    }
    s.add(Signal.OUTCOME, OUTCOMES.indexOf(response.finishReason()));
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    Slice s = slice(call);
    if (s != null) {
      s.add(Signal.OUTCOME, OUTCOMES.size());
    }
  }

  /** Records a value of {@code signal} for {@code key} (evaluator scores and feedback use {@link Signal#SCORE}). */
  public void record(MonitorKey key, Signal signal, double value) {
    Slice s = slice(Objects.requireNonNull(key, "key"));
    if (s != null) {
      s.add(Objects.requireNonNull(signal, "signal"), value);
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
        s.resetCurrent();
      }
    });
  }

  /**
   * Compares every full current window with its reference, reports drift, and starts new windows.
   *
   * @return the drift events of this check
   */
  public List<DriftEvent> check() {
    List<DriftEvent> events = new ArrayList<>();
    slices.forEach((key, slice) -> {
      for (Signal signal : Signal.values()) {
        DriftEvent e = slice.check(key, signal);
        if (e != null) {
          events.add(e);
        }
      }
    });
    for (DriftEvent e : events) {
      for (Consumer<DriftEvent> l : listeners) {
        try {
          l.accept(e);
        } catch (RuntimeException ex) {
          listenerFailures.incrementAndGet();
        }
      }
    }
    return List.copyOf(events);
  }

  /** Makes every slice's current window (with at least one call) its reference. */
  public void rebaseline() {
    slices.values().forEach(Slice::rebaseline);
  }

  /** The counts of {@code key}'s current window of {@code signal} (empty if unknown): merge replicas by adding. */
  public long[] counts(MonitorKey key, Signal signal) {
    Slice s = slices.get(key);
    return s == null ? new long[0] : s.snapshot(signal);
  }

  /** The slices seen, in no order. */
  public List<MonitorKey> keys() {
    return List.copyOf(slices.keySet());
  }

  /** Slices not kept because {@code maxKeys} were already kept. */
  public long droppedKeys() {
    return droppedKeys.get();
  }

  /** How many times a listener threw (each was caught). */
  public long listenerFailures() {
    return listenerFailures.get();
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

  /** One slice's windows: a reference and a current window per signal. */
  private final class Slice {
    private final EnumMap<Signal, AtomicLongArray> current = new EnumMap<>(Signal.class);
    private final EnumMap<Signal, long[]> reference = new EnumMap<>(Signal.class);

    Slice() {
      for (Signal s : Signal.values()) {
        current.put(s, new AtomicLongArray(s.bins()));
      }
    }

    void add(Signal signal, double value) {
      Objects.requireNonNull(current.get(signal)).incrementAndGet(signal.bin(value));
    }

    long[] snapshot(Signal signal) {
      AtomicLongArray a = Objects.requireNonNull(current.get(signal));
      long[] out = new long[a.length()];
      for (int i = 0; i < out.length; i++) {
        out[i] = a.get(i);
      }
      return out;
    }

    /** Takes the current window out, leaving an empty one. */
    long[] drain(Signal signal) {
      AtomicLongArray a = Objects.requireNonNull(current.get(signal));
      long[] out = new long[a.length()];
      for (int i = 0; i < out.length; i++) {
        out[i] = a.getAndSet(i, 0);
      }
      return out;
    }

    synchronized void resetCurrent() {
      for (Signal s : Signal.values()) {
        drain(s);
      }
    }

    synchronized void rebaseline() {
      for (Signal s : Signal.values()) {
        long[] c = drain(s);
        if (total(c) > 0) {
          reference.put(s, c);
        }
      }
    }

    synchronized @Nullable DriftEvent check(MonitorKey key, Signal signal) {
      long n = total(snapshot(signal));
      if (n < minSamples) {
        return null;
      }
      long[] c = drain(signal);
      long[] ref = reference.get(signal);
      if (ref == null) {
        reference.put(signal, c);
        return null;
      }
      double psi = Drift.psi(ref, c);
      double p = Drift.chiSquareP(ref, c);
      if (psi < psiThreshold || !(p < alpha)) {
        return null;
      }
      ModelChange change = changes.get(key.model());
      return new DriftEvent(key, signal, psi, p, total(ref), total(c), change, clock.instant());
    }
  }

  private static long total(long[] counts) {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }

  /** Builds a {@link DriftMonitor}. Setters check their ranges at once. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private int minSamples = 200;
    private double psiThreshold = 0.25;
    private double alpha = 0.01;
    private int maxKeys = 1000;
    private final List<Consumer<DriftEvent>> listeners = new ArrayList<>();

    private Builder() {}

    /** The clock latencies and events are timed on (default the system's; pass the client's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Calls a window needs before it is compared or becomes a reference, {@code >= 1} (default 200). */
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

    /** The chi-square test's significance level, in {@code (0, 1)} (default 0.01). */
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

    /** Builds the monitor. */
    public DriftMonitor build() {
      return new DriftMonitor(this);
    }
  }
}
