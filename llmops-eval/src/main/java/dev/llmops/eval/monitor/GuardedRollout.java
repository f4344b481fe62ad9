package dev.llmops.eval.monitor;

import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.Cancellable;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ContentFilteredException;
import dev.llmops.api.Cost;
import dev.llmops.api.FinishReason;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.eval.stats.Drift;
import dev.llmops.eval.stats.Msprt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A guarded rollout: moves an experiment's canary through its {@link Experiment.Ramp} while {@link Guard}s
 * find it no worse than the control, and rolls it back when one finds it worse. Add it as a
 * listener ({@code LlmClient.Builder.listener(rollout)}), give it online scores with {@link
 * #score} (for example as an {@link OnlineEvaluation} listener), and {@link #start()} it.
 *
 * <p>Every {@code interval} on the injected scheduler it looks at the calls of the current step
 * (only subjects assigned by hashing or sticky buckets: forced, overridden and killed calls are
 * operator decisions, not samples):
 *
 * <ol>
 *   <li>the experiment's kill switch on, here or at any replica: it stops (a kill switch always
 *       wins; see below);
 *   <li>each guard with at least {@code minSamples} calls per arm: the mSPRT of Johari et al.
 *       (2022) on the difference of means, with variance {@code s²_canary/n_canary +
 *       s²_control/n_control} (for {@link Guard.Metric#LATENCY_P95}, of the shares of calls slower
 *       than the control's p95; {@link Guard.Metric#DRIFT} compares distributions); a failure rolls
 *       the canary back ({@link Experiments#rollbackRamp}) or holds the step, by the guard's action;
 *   <li>otherwise, once the step lasted {@code minStepDuration} and both arms have {@code
 *       minSamples} calls, it advances the ramp ({@link Experiments#advanceRamp}), or at the last
 *       step declares the canary promoted.
 * </ol>
 *
 * Because the mSPRT's likelihood ratio is a martingale under H0, checking it at every look does
 * not inflate false alarms beyond {@code α} per guard and step (Ville's inequality). Every action
 * goes through the audited experiment API with the statistic in its reason, and is published as a
 * {@link RolloutEvent}. Statistics restart with each step.
 *
 * <p><b>Prompt labels.</b> With {@link Builder#promptLabel} the canary is a prompt version: the
 * controller moves the label to it through the audited {@link PromptRegistry#promote} while the
 * experiment keeps every call it does not send to the canary on the control's pinned version; a
 * rollback moves the label back ({@link PromptRegistry#rollback(String, String, int, String)}) as
 * well as setting the canary's weight to 0, and a promotion sends every call to the canary.
 *
 * <p><b>Replicas.</b> The counts, the right to act and the state (step, step start, frozen
 * thresholds, decisions) live in a {@link RolloutStore} (default: {@link RolloutStore#inMemory}).
 * At each look a controller hands its counts to the store, then either acts (it holds the lease:
 * it decides on the counts of every replica and saves the state before acting) or follows (it
 * applies the saved step to its own experiments). A controller started over a saved state
 * continues at its step. Thread-safe.
 *
 * <p><b>Kill switch.</b> {@link Experiments#kill} acts in one process; the store shares it. At
 * {@link #start()} and at every look, before asking for the right to act, every replica compares
 * its experiment with the store's {@link RolloutStore#killed kill}: a local kill the store lacks is
 * recorded there ({@link RolloutStore#kill}, which needs no lease), and a kill the store has is
 * applied to a local experiment that is not yet killed, through the audited {@link
 * Experiments#kill} with reason {@code guarded rollout: kill switch set on replica <replica>:
 * <reason>}. The acting replica then saves the outcome {@link RolloutEvent.Kind#KILLED}, moves a
 * prompt label that points at the canary back to the control's version, and publishes the event;
 * every replica stops when it reads that outcome (and kills its experiment then if it still runs).
 * So a kill turned on at any replica reaches every replica within two looks, and a kill is
 * permanent for the rollout: a replica restarted with its experiment running kills it at {@link
 * #start()}. {@link #kill(String)} turns the switch on here and in the store at once, with the
 * operator's reason.
 */
public final class GuardedRollout implements CallListener, AutoCloseable {
  static final String CANARY = "canary";
  static final String CONTROL = "control";
  /** The outcome bins: one per finish reason in this order, then failed calls (as {@link DriftMonitor}). */
  private static final List<FinishReason> OUTCOMES = List.of(FinishReason.values());

  private final Experiments experiments;
  private final String key;
  private final String canary;
  private final String control;
  private final List<Guard> guards;
  private final Duration minStepDuration;
  private final long minSamples;
  private final double alpha;
  private final Duration interval;
  private final Clock clock;
  private final @Nullable TaskScheduler scheduler;
  private final List<Consumer<RolloutEvent>> listeners;
  private final RolloutStore store;
  private final String replica;
  private final Duration lease;
  private final @Nullable LabelTarget label;
  private final Set<Signal> driftSignals;

  private final Object lock = new Object();
  private final ArmCounts.Local canaryCounts;
  private final ArmCounts.Local controlCounts;
  /** Counts handed to the store but not yet taken by it (kept across a failing store). */
  private final Map<String, Double> pendingCanary = ArmCounts.counters();
  private final Map<String, Double> pendingControl = ArmCounts.counters();
  private long pendingWindow;
  private volatile long window;
  private Instant createdAt;
  private volatile boolean done;
  private volatile @Nullable Cancellable next;
  private final List<RolloutEvent> history = new ArrayList<>();
  private final AtomicLong storeFailures = new AtomicLong();
  private volatile @Nullable String lastStoreFailure;

  private GuardedRollout(Builder b) {
    this.experiments = b.experiments;
    this.key = b.key;
    Experiment e = experiments.get(key).orElseThrow(
        () -> new IllegalArgumentException("no experiment '" + b.key + "'"));
    Experiment.Ramp ramp = e.ramp();
    if (ramp == null) {
      throw new IllegalArgumentException("experiment '" + key + "' has no ramp to guard");
    }
    this.canary = ramp.variant();
    this.control = b.control != null ? b.control : e.variants().get(0).key();
    if (control.equals(canary) || e.variants().stream().noneMatch(v -> v.key().equals(control))) {
      throw new IllegalArgumentException("experiment '" + key + "': control '" + control
          + "' must be a variant other than the canary '" + canary + "'");
    }
    this.guards = List.copyOf(b.guards);
    this.minStepDuration = b.minStepDuration;
    this.minSamples = b.minSamples;
    this.alpha = b.alpha;
    this.interval = b.interval;
    this.clock = b.clock;
    this.scheduler = b.scheduler;
    this.listeners = List.copyOf(b.listeners);
    this.store = b.store != null ? b.store : RolloutStore.inMemory(b.clock);
    this.replica = b.replica != null ? b.replica : UUID.randomUUID().toString();
    this.lease = b.lease != null ? b.lease : interval.multipliedBy(3);
    this.label = b.registry == null ? null : LabelTarget.of(b.registry, b.label, e, canary, control);
    EnumSet<Signal> signals = EnumSet.noneOf(Signal.class);
    guards.stream().map(Guard::signal).filter(Objects::nonNull).forEach(signals::add);
    this.driftSignals = Collections.unmodifiableSet(signals);
    boolean p95 = guards.stream().anyMatch(g -> g.metric() == Guard.Metric.LATENCY_P95);
    this.canaryCounts = new ArmCounts.Local(p95, signals);
    this.controlCounts = new ArmCounts.Local(p95, signals);
    this.createdAt = clock.instant();
  }

  /** A builder for a rollout of experiment {@code key}, whose ramp names the canary. */
  public static Builder builder(Experiments experiments, String key) {
    return new Builder(experiments, key);
  }

  /** The prompt label a rollout moves: the prompt, the label, and the control's and canary's versions. */
  private record LabelTarget(PromptRegistry registry, String prompt, String label, int controlVersion, int canaryVersion) {

    static LabelTarget of(PromptRegistry registry, String label, Experiment e, String canary, String control) {
      String where = "experiment '" + e.key() + "' (prompt label rollout of '" + label + "')";
      String prompt = e.prompt();
      if (prompt == null || e.feature() != null) {
        throw new IllegalArgumentException(where + ": the experiment must target a prompt and no feature, so that"
            + " every call of the prompt is in it (prompt " + prompt + ", feature " + e.feature() + ")");
      }
      Variant c = variant(e, control);
      Variant k = variant(e, canary);
      if (c.promptVersion() == null) {
        throw new IllegalArgumentException(where + ": the control variant '" + control
            + "' must pin the version the label points at now (Variant.withPromptVersion)");
      }
      if (k.promptVersion() == null || (k.promptLabel() != null && !k.promptLabel().equals(label))) {
        throw new IllegalArgumentException(where + ": the canary variant '" + canary
            + "' must pin the canary version (Variant.withPromptVersion)");
      }
      int from = c.promptVersion();
      int to = k.promptVersion();
      registry.resolve(prompt, to); // fails now, naming the prompt and version, if there is none
      Integer now = registry.labels(prompt).get(label);
      if (now == null || (now != from && now != to)) {
        throw new IllegalArgumentException(where + ": label '" + label + "' of prompt '" + prompt + "' points at "
            + now + ", neither the control's version " + from + " nor the canary's " + to);
      }
      return new LabelTarget(registry, prompt, label, from, to);
    }

    private static Variant variant(Experiment e, String key) {
      return e.variants().stream().filter(v -> v.key().equals(key)).findFirst().orElseThrow();
    }

    int current() {
      Integer v = registry.labels(prompt).get(label);
      return v == null ? -1 : v;
    }
  }

  // ---- observations ----

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    ArmCounts.Local arm = arm(call.attributes().getOrNull(Assignment.KEY));
    if (arm == null) {
      return;
    }
    Cost cost = call.attributes().getOrNull(Cost.KEY);
    double latency = Duration.between(call.startedAt(), clock.instant()).toNanos() / 1e6;
    arm.moment(Guard.Metric.ERROR_RATE, 0);
    arm.moment(Guard.Metric.LATENCY_MS, latency);
    arm.latency(latency);
    if (cost != null && cost.known()) {
      double micros = cost.amount().orElseThrow().toNanosCeiling() / 1e3;
      arm.moment(Guard.Metric.COST_MICRO_USD, micros);
      arm.signal(Signal.COST_MICRO_USD, micros);
    }
    if (!driftSignals.isEmpty()) {
      arm.signal(Signal.LATENCY_MS, latency);
      arm.signal(Signal.INPUT_TOKENS, (double) response.usage().inputTokens());
      arm.signal(Signal.OUTPUT_TOKENS, (double) response.usage().outputTokens());
      arm.signal(Signal.OUTCOME, OUTCOMES.indexOf(response.finishReason()));
      arm.signal(Signal.REFUSAL, Signal.refusal(response));
    }
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    ArmCounts.Local arm = arm(call.attributes().getOrNull(Assignment.KEY));
    if (arm != null) {
      arm.moment(Guard.Metric.ERROR_RATE, 1);
      arm.signal(Signal.OUTCOME, OUTCOMES.size());
      arm.signal(Signal.ERROR_TYPE, Signal.errorType(error));
      if (error instanceof ContentFilteredException) {
        arm.signal(Signal.REFUSAL, 1);
      }
    }
  }

  /** Takes an online score (evaluator or feedback) of a call of this experiment into the SCORE guard. */
  public void score(OnlineScore score) {
    Objects.requireNonNull(score, "score");
    if (Double.isNaN(score.value()) || done) {
      return;
    }
    String v = score.key().variant();
    ArmCounts.Local arm = v.equals(key + ":" + canary) ? canaryCounts : v.equals(key + ":" + control) ? controlCounts : null;
    if (arm != null) {
      arm.moment(Guard.Metric.SCORE, score.value());
      arm.signal(score.name().startsWith("feedback.") ? Signal.FEEDBACK : Signal.SCORE, score.value());
    }
  }

  private ArmCounts.@Nullable Local arm(@Nullable Assignment a) {
    if (a == null || done || !a.experimentKey().equals(key)
        || (a.reason() != Assignment.Reason.HASHED && a.reason() != Assignment.Reason.STICKY)) {
      return null;
    }
    return a.variant().equals(canary) ? canaryCounts : a.variant().equals(control) ? controlCounts : null;
  }

  // ---- decisions ----

  /**
   * Reads the saved state, if any (a restarted replica continues at its step), and schedules a
   * look every {@code interval} on the scheduler given to the builder.
   */
  public void start() {
    TaskScheduler s = scheduler;
    if (s == null) {
      throw new IllegalStateException("no scheduler: give the builder one, or call evaluate() yourself");
    }
    synchronized (lock) {
      createdAt = clock.instant();
      try {
        shareKill();
        follow();
      } catch (RuntimeException e) {
        failed(e);
      }
    }
    schedule(s);
  }

  private void schedule(TaskScheduler s) {
    if (!done) {
      next = s.schedule(() -> {
        evaluate();
        schedule(s);
      }, interval);
    }
  }

  /**
   * Looks at the current step once: hands this replica's counts to the store, then acts if this
   * replica holds the right to act, or applies the saved state if another does. A failing store
   * is counted ({@link #storeFailures()}) and tried again at the next look.
   *
   * @return the event of the action taken, or null when the step simply continues (or another
   *     replica acts)
   */
  public @Nullable RolloutEvent evaluate() {
    if (done) {
      return null;
    }
    synchronized (lock) {
      try {
        flush();
        String kill = shareKill();
        if (!store.tryAct(key, replica, lease)) {
          follow();
          return null;
        }
        return act(kill);
      } catch (RuntimeException e) {
        failed(e);
        return null;
      }
    }
  }

  private void failed(RuntimeException e) {
    storeFailures.incrementAndGet();
    lastStoreFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** Hands the counts recorded since the last look to the store, in the window they were recorded in. */
  private void flush() {
    long w = window;
    if (w != pendingWindow && (!pendingCanary.isEmpty() || !pendingControl.isEmpty())) {
      push(); // what a failing store kept belongs to the window it was recorded in
    }
    pendingWindow = w;
    canaryCounts.drainTo(pendingCanary);
    controlCounts.drainTo(pendingControl);
    push();
  }

  private void push() {
    if (!pendingCanary.isEmpty()) {
      store.add(key, pendingWindow, CANARY, pendingCanary);
      pendingCanary.clear();
    }
    if (!pendingControl.isEmpty()) {
      store.add(key, pendingWindow, CONTROL, pendingControl);
      pendingControl.clear();
    }
  }

  /**
   * Turns the kill switch on for every replica: kills the experiment here through the audited
   * {@link Experiments#kill} with {@code reason} (unless it is killed already) and records the kill
   * in the store with the same reason, so that every replica kills its experiment at its next look
   * and the acting replica ends the rollout ({@link RolloutEvent.Kind#KILLED}). Does the same as
   * {@code experiments.kill(key, reason)}, whose kill the next look records, but at once and with
   * the reason. A failing store is counted ({@link #storeFailures()}); the next look records the
   * kill then.
   */
  public void kill(String reason) {
    Objects.requireNonNull(reason, "reason");
    synchronized (lock) {
      if (experiments.get(key).orElseThrow().status() != Experiment.Status.KILLED) {
        experiments.kill(key, reason);
      }
      try {
        store.kill(key, replica, reason);
      } catch (RuntimeException e) {
        failed(e);
      }
    }
  }

  /**
   * Makes this replica's kill switch and the store's agree: records a local kill the store lacks,
   * and applies the store's kill to a local experiment that is not killed.
   *
   * @return where and why the kill switch was set ({@code "on replica X: reason"}), or null if it is off
   */
  private @Nullable String shareKill() {
    Optional<RolloutStore.Kill> shared = store.killed(key);
    boolean local = experiments.get(key).orElseThrow().status() == Experiment.Status.KILLED;
    if (shared.isPresent()) {
      RolloutStore.Kill k = shared.get();
      String where = "on replica " + k.replica() + ": " + k.reason();
      if (!local) {
        experiments.kill(key, "guarded rollout: kill switch set " + where);
      }
      return where;
    }
    if (!local) {
      return null;
    }
    String reason = "experiment '" + key + "' is killed on replica " + replica;
    store.kill(key, replica, reason);
    return "on replica " + replica + ": " + reason;
  }

  private Optional<RolloutState> saved() {
    return store.state(key).map(text -> RolloutState.fromJson(key, text));
  }

  /** Applies the saved state to this replica's experiment: another replica acts, or this one restarted. */
  private void follow() {
    Optional<RolloutState> saved = saved();
    if (saved.isEmpty()) {
      return;
    }
    RolloutState s = saved.get();
    window = s.window;
    if (s.outcome == RolloutEvent.Kind.KILLED) {
      // The store's kill was applied before this; a state saved without one still kills here.
      if (experiments.get(key).orElseThrow().status() != Experiment.Status.KILLED) {
        experiments.kill(key, "guarded rollout: replica " + replica + " applies the shared state (killed)");
      }
      labelBack();
      stop();
      return;
    }
    catchUp(s, "guarded rollout: replica " + replica + " applies the shared state");
    if (s.outcome != null) {
      stop();
    }
  }

  /** Moves a prompt label that points at the canary back to the control's version (idempotent). */
  private void labelBack() {
    if (label != null && label.current() == label.canaryVersion()) {
      label.registry().rollback(label.prompt(), label.label(), label.controlVersion(), actor());
    }
  }

  /** Brings this replica's experiment to the saved step (and, for a promoted label rollout, all traffic to the canary). */
  private void catchUp(RolloutState s, String reason) {
    Experiment e = experiments.get(key).orElseThrow();
    if (e.ramp() == null || e.status() == Experiment.Status.KILLED) {
      return; // weights set by hand (a promoted label rollout) or the kill switch: nothing to follow
    }
    if (s.step < 0) {
      if (e.rampStep() >= 0) {
        experiments.rollbackRamp(key, reason + " (rolled back)");
      }
    } else {
      if (e.rampStep() > s.step) {
        experiments.rollbackRamp(key, reason + " (back to step " + s.step + ")");
      }
      while (experiments.get(key).orElseThrow().rampStep() < s.step) {
        experiments.advanceRamp(key, reason + " (step " + s.step + ")");
      }
    }
    if (s.outcome == RolloutEvent.Kind.PROMOTED && label != null) {
      experiments.setWeights(key, canaryOnly(e), reason + " (promoted)");
    }
  }

  private List<Double> canaryOnly(Experiment e) {
    List<Double> w = new ArrayList<>();
    for (Variant v : e.variants()) {
      w.add(v.key().equals(canary) ? 1.0 : 0.0);
    }
    return w;
  }

  /**
   * This replica holds the right to act.
   *
   * @param kill where and why the kill switch was set, or null if it is off
   */
  private @Nullable RolloutEvent act(@Nullable String kill) {
    Experiment e = experiments.get(key).orElseThrow();
    RolloutState s = saved().orElseGet(() -> new RolloutState(e.rampStep(), window, createdAt));
    catchUp(s, "guarded rollout: replica " + replica + " resumes from the shared state");
    if (s.outcome != null) {
      stop();
      return null;
    }
    window = s.window;
    if (kill != null || e.status() == Experiment.Status.KILLED) {
      s.outcome = RolloutEvent.Kind.KILLED;
      String reason = "kill switch is on" + (kill == null ? "" : " (set " + kill + ")")
          + "; the rollout controller stopped";
      if (label != null && label.current() == label.canaryVersion()) {
        reason += "; label '" + label.label() + "' back to version " + label.controlVersion();
      }
      return decide(s, event(RolloutEvent.Kind.KILLED, e.rampStep(), null, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, 0, 0, reason), this::labelBack);
    }
    if (label != null && s.step >= 0 && label.current() == label.controlVersion()) {
      label.registry().promote(label.prompt(), label.label(), label.canaryVersion(), actor());
    }
    ArmCounts.Merged c = new ArmCounts.Merged(store.counts(key, s.window, CANARY));
    ArmCounts.Merged k = new ArmCounts.Merged(store.counts(key, s.window, CONTROL));
    long canaryCalls = c.n(Guard.Metric.ERROR_RATE);
    long controlCalls = k.n(Guard.Metric.ERROR_RATE);
    for (Guard g : guards) {
      Failure f = test(g, c, k, s);
      if (f == null) {
        continue;
      }
      if (g.onFailure() == Guard.Action.ROLL_BACK) {
        s.outcome = RolloutEvent.Kind.ROLLED_BACK;
        String reason = f.reason + (label == null ? "" : "; label '" + label.label() + "' back to version "
            + label.controlVersion());
        RolloutEvent ev = event(RolloutEvent.Kind.ROLLED_BACK, -1, g, f.lambda, f.p, f.canary, f.control,
            canaryCalls, controlCalls, reason);
        s.step = -1;
        return decide(s, ev, () -> {
          experiments.rollbackRamp(key, "guarded rollout: " + reason);
          labelBack();
        });
      }
      if (!s.held) {
        s.held = true;
        return decide(s, event(RolloutEvent.Kind.HELD, s.step, g, f.lambda, f.p, f.canary, f.control,
            canaryCalls, controlCalls, f.reason), () -> { });
      }
      save(s);
      return null;
    }
    if (s.held) {
      save(s);
      return null; // a held step stays held until its guard passes at the next step's evaluation
    }
    Duration lasted = Duration.between(s.stepStarted, clock.instant());
    if (lasted.compareTo(minStepDuration) < 0 || canaryCalls < minSamples || controlCalls < minSamples) {
      save(s);
      return null;
    }
    Experiment.Ramp ramp = Objects.requireNonNull(e.ramp());
    String reason = String.format(Locale.ROOT, "guarded rollout: step %d healthy for %s with %d canary and %d control calls",
        s.step, lasted, canaryCalls, controlCalls);
    if (s.step + 1 >= ramp.steps().size()) {
      s.outcome = RolloutEvent.Kind.PROMOTED;
      String why = label == null ? reason : reason + "; every call now gets prompt '" + label.prompt() + "' version "
          + label.canaryVersion() + " (label '" + label.label() + "')";
      return decide(s, event(RolloutEvent.Kind.PROMOTED, s.step, null, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, canaryCalls, controlCalls, why), () -> {
            if (label != null) {
              experiments.setWeights(key, canaryOnly(e), why);
            }
          });
    }
    RolloutEvent ev = event(RolloutEvent.Kind.ADVANCED, s.step + 1, null, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, canaryCalls, controlCalls, reason);
    s.newWindow(s.step + 1, clock.instant());
    return decide(s, ev, () -> {
      experiments.advanceRamp(key, reason);
      window = s.window;
      store.forgetBefore(key, s.window);
    });
  }

  private String actor() {
    return "guarded-rollout:" + key;
  }

  /** Saves the decision first (so a restart or another replica applies it), then acts and publishes. */
  private @Nullable RolloutEvent decide(RolloutState s, RolloutEvent event, Runnable action) {
    s.history.add(event);
    if (!save(s)) {
      return null;
    }
    action.run();
    if (s.outcome != null) {
      stop();
    }
    return publish(event);
  }

  private boolean save(RolloutState s) {
    return store.saveState(key, replica, s.toJson());
  }

  /** A failing guard's statistic. */
  private record Failure(double lambda, double p, double canary, double control, String reason) {}

  private @Nullable Failure test(Guard g, ArmCounts.Merged c, ArmCounts.Merged k, RolloutState s) {
    return switch (g.metric()) {
      case DRIFT -> drift(g, c, k);
      case LATENCY_P95 -> p95(g, c, k, s);
      default -> means(g, c, k, s);
    };
  }

  private @Nullable Failure means(Guard g, ArmCounts.Merged c, ArmCounts.Merged k, RolloutState s) {
    Guard.Metric m = g.metric();
    long nc = c.n(m);
    long nk = k.n(m);
    if (nc < Math.max(2, minSamples) || nk < Math.max(2, minSamples)) {
      return null;
    }
    double base = s.frozen.computeIfAbsent(m.name(), x -> new double[] {Math.abs(k.mean(m))})[0];
    return mixture(g, s, m.name(), c.mean(m), k.mean(m), c.variance(m) / nc + k.variance(m) / nk, base, nc, nk, "");
  }

  /**
   * The share of calls above the control's p95. The threshold (a latency bin) is read from the
   * control's counts once they reach {@code minSamples} and then kept; the control's calls before
   * that are left out (they chose the threshold), the canary's all count (they did not).
   */
  private @Nullable Failure p95(Guard g, ArmCounts.Merged c, ArmCounts.Merged k, RolloutState s) {
    String id = Guard.Metric.LATENCY_P95.name();
    double[] f = s.frozen.get(id);
    if (f == null) {
      if (k.latencyCount() < Math.max(2, minSamples)) {
        return null;
      }
      int bin = k.latencyQuantileIndex(0.95);
      f = new double[] {bin, k.latencyCount(), k.latencyAbove(bin)};
      s.frozen.put(id, f);
    }
    int bin = (int) f[0];
    long nc = c.latencyCount();
    long nk = k.latencyCount() - (long) f[1];
    if (nc < Math.max(2, minSamples) || nk < Math.max(2, minSamples)) {
      return null;
    }
    double pc = (double) c.latencyAbove(bin) / nc;
    double pk = (double) (k.latencyAbove(bin) - (long) f[2]) / nk;
    // Bernoulli variances, floored at one call in n so that an arm with no slow call yet still counts.
    double variance = Math.max(pc * (1 - pc), 1.0 / nc) / nc + Math.max(pk * (1 - pk), 1.0 / nk) / nk;
    String p95s = String.format(Locale.ROOT, " (p95 %.4g ms vs %.4g ms)",
        ArmCounts.latencyValue(c.latencyQuantileIndex(0.95)), ArmCounts.latencyValue(bin));
    return mixture(g, s, id, pc, pk, variance, 0.05, nc, nk, p95s);
  }

  private @Nullable Failure mixture(Guard g, RolloutState s, String id, double canaryMean, double controlMean,
      double rawVariance, double frozenBase, long nc, long nk, String detail) {
    double base = frozenBase > 0 ? frozenBase : 1e-9;
    double sign = g.metric().higherIsWorse() ? 1 : -1;
    double worse = sign * (canaryMean - controlMean) - g.margin() * base;
    double variance = Math.max(rawVariance, 1e-12 * base * base);
    double tau = g.effect() * base;
    double lambda = Msprt.likelihoodRatio(worse, variance, tau * tau);
    double p = Math.min(s.runningP.getOrDefault(id, 1.0), Msprt.pValue(lambda));
    s.runningP.put(id, p);
    if (worse > 0 && lambda >= 1 / alpha) {
      return new Failure(lambda, p, canaryMean, controlMean, String.format(Locale.ROOT,
          "guard %s: canary %.4g vs control %.4g (n=%d, %d)%s, mSPRT Lambda=%.3g >= 1/alpha=%.3g, always-valid p=%.3g",
          g.metric(), canaryMean, controlMean, nc, nk, detail, lambda, 1 / alpha, p));
    }
    return null;
  }

  /** PSI of the canary's bins against the control's, confirmed by the chi-square test. */
  private @Nullable Failure drift(Guard g, ArmCounts.Merged c, ArmCounts.Merged k) {
    Signal signal = Objects.requireNonNull(g.signal());
    long[] cb = c.bins(signal);
    long[] kb = k.bins(signal);
    long nc = total(cb);
    long nk = total(kb);
    if (nc < Math.max(2, minSamples) || nk < Math.max(2, minSamples)) {
      return null;
    }
    double psi = Drift.psi(kb, cb);
    double p = Drift.chiSquareP(kb, cb);
    if (psi >= g.margin() && p < g.effect()) {
      return new Failure(Double.NaN, p, Double.NaN, Double.NaN, String.format(Locale.ROOT,
          "guard DRIFT of %s: canary against control (n=%d, %d) PSI=%.3g >= %.3g, chi-square p=%.3g < %.3g",
          signal, nc, nk, psi, g.margin(), p, g.effect()));
    }
    return null;
  }

  private static long total(long[] counts) {
    long t = 0;
    for (long x : counts) {
      t += x;
    }
    return t;
  }

  private RolloutEvent event(RolloutEvent.Kind kind, int step, @Nullable Guard g, double lambda,
      double p, double canaryMean, double controlMean, long canaryCalls, long controlCalls, String reason) {
    return new RolloutEvent(kind, key, step, g == null ? null : g.metric(), lambda, p, canaryMean, controlMean,
        canaryCalls, controlCalls, reason, clock.instant());
  }

  private void stop() {
    done = true;
    Cancellable n = next;
    if (n != null) {
      n.cancel();
    }
  }

  private RolloutEvent publish(RolloutEvent e) {
    synchronized (history) {
      history.add(e);
    }
    for (Consumer<RolloutEvent> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        // a listener must not stop the controller; nothing else to do with its failure here
      }
    }
    return e;
  }

  /** Whether the rollout is over (promoted, rolled back or killed), as this replica last saw it. */
  public boolean done() {
    return done;
  }

  /** Every action this controller took, in order (the store's state also holds those of other replicas). */
  public List<RolloutEvent> history() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /** The name this controller acts under in its store. */
  public String replica() {
    return replica;
  }

  /** How many looks failed because the store did (each is tried again at the next look). */
  public long storeFailures() {
    return storeFailures.get();
  }

  /** The last store failure, naming its exception, if any. */
  public Optional<String> lastStoreFailure() {
    return Optional.ofNullable(lastStoreFailure);
  }

  /** Stops looking and gives up the right to act (another replica may take it at once). */
  @Override
  public void close() {
    stop();
    synchronized (lock) {
      try {
        flush();
        store.release(key, replica);
      } catch (RuntimeException e) {
        failed(e);
      }
    }
  }

  /** Builds a {@link GuardedRollout}. Setters check their ranges at once. Not thread-safe. */
  public static final class Builder {
    private final Experiments experiments;
    private final String key;
    private @Nullable String control;
    private final List<Guard> guards = new ArrayList<>();
    private Duration minStepDuration = Duration.ofMinutes(30);
    private long minSamples = 500;
    private double alpha = 0.05;
    private Duration interval = Duration.ofMinutes(1);
    private Clock clock = Clock.systemUTC();
    private @Nullable TaskScheduler scheduler;
    private final List<Consumer<RolloutEvent>> listeners = new ArrayList<>();
    private @Nullable RolloutStore store;
    private @Nullable String replica;
    private @Nullable Duration lease;
    private @Nullable PromptRegistry registry;
    private String label = PromptRegistry.PRODUCTION;

    private Builder(Experiments experiments, String key) {
      this.experiments = Objects.requireNonNull(experiments, "experiments");
      this.key = Objects.requireNonNull(key, "key");
    }

    /** The variant the canary is compared with (default: the first variant). */
    public Builder control(String variant) {
      this.control = Objects.requireNonNull(variant, "variant");
      return this;
    }

    /** Adds a guard. */
    public Builder guard(Guard guard) {
      guards.add(Objects.requireNonNull(guard, "guard"));
      return this;
    }

    /** How long each step lasts at least, {@code >= 0} (default 30 minutes). */
    public Builder minStepDuration(Duration duration) {
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative()) {
        throw new IllegalArgumentException("minStepDuration must be >= 0 but was " + duration);
      }
      this.minStepDuration = duration;
      return this;
    }

    /** Calls each arm needs in a step before a guard is tested or the step may advance, {@code >= 2} (default 500). */
    public Builder minSamples(long minSamples) {
      if (minSamples < 2) {
        throw new IllegalArgumentException("minSamples must be >= 2 but was " + minSamples);
      }
      this.minSamples = minSamples;
      return this;
    }

    /** The false alarm rate per guard and step, in {@code (0, 1)} (default 0.05). */
    public Builder alpha(double alpha) {
      if (!(alpha > 0 && alpha < 1)) {
        throw new IllegalArgumentException("alpha must be in (0, 1) but was " + alpha);
      }
      this.alpha = alpha;
      return this;
    }

    /** How often {@link #start()} looks, {@code > 0} (default 1 minute). */
    public Builder interval(Duration interval) {
      this.interval = positive(interval, "interval");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0 but was " + d);
      }
      return d;
    }

    /** The clock (default the system's; pass the client's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The scheduler {@link #start()} looks on (pass the client's). */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Adds a listener for actions; it runs on the thread that looked. */
    public Builder listener(Consumer<RolloutEvent> listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Where replicas share counts, the right to act and the rollout's state (default: {@link
     * RolloutStore#inMemory} on this builder's clock, for one process).
     */
    public Builder store(RolloutStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** The name this controller acts under in the store (default: a random UUID; unique per process). */
    public Builder replica(String replica) {
      Objects.requireNonNull(replica, "replica");
      if (replica.isBlank()) {
        throw new IllegalArgumentException("replica must not be blank");
      }
      this.replica = replica;
      return this;
    }

    /**
     * How long the right to act outlives its holder's last look, {@code > 0} (default three
     * intervals). Stores whose lock ends with the holder's session ignore it.
     */
    public Builder lease(Duration lease) {
      this.lease = positive(lease, "lease");
      return this;
    }

    /**
     * Makes this a rollout of a prompt label: the experiment targets one prompt (and no feature),
     * its control variant pins the version {@code label} points at now and its canary variant the
     * new version. The controller moves the label to the canary's version at its first look, back
     * on a rollback, and sends every call to the canary on promotion. Label moves go through
     * {@link PromptRegistry#promote} and {@link PromptRegistry#rollback(String, String, int,
     * String)} with actor {@code guarded-rollout:<experiment>}.
     */
    public Builder promptLabel(PromptRegistry registry, String label) {
      this.registry = Objects.requireNonNull(registry, "registry");
      this.label = Objects.requireNonNull(label, "label");
      return this;
    }

    /**
     * Builds the controller.
     *
     * @throws IllegalArgumentException if the experiment is unknown, has no ramp, the control is
     *     not another variant, no guard was added, or a prompt label rollout's experiment, variants
     *     or label do not fit (see {@link #promptLabel})
     * @throws dev.llmops.api.PromptNotFoundException if the prompt or the canary's version is unknown
     */
    public GuardedRollout build() {
      if (guards.isEmpty()) {
        throw new IllegalArgumentException("a guarded rollout needs at least one guard");
      }
      if (lease != null && lease.compareTo(interval) <= 0) {
        throw new IllegalArgumentException("lease must be longer than the interval " + interval + " but was " + lease);
      }
      return new GuardedRollout(this);
    }
  }
}
