package dev.llmops.eval.monitor;

import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.Cancellable;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Cost;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.eval.stats.Msprt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
 *   <li>the experiment's kill switch on: it stops (a kill switch always wins);
 *   <li>each guard with at least {@code minSamples} calls per arm: the mSPRT of Johari et al.
 *       (2022) on the difference of means, with variance {@code s²_canary/n_canary +
 *       s²_control/n_control}; a failure rolls the canary back ({@link
 *       Experiments#rollbackRamp}) or holds the step, by the guard's action;
 *   <li>otherwise, once the step lasted {@code minStepDuration} and both arms have {@code
 *       minSamples} calls, it advances the ramp ({@link Experiments#advanceRamp}), or at the last
 *       step declares the canary promoted.
 * </ol>
 *
 * Because the mSPRT's likelihood ratio is a martingale under H0, checking it at every look does
 * not inflate false alarms beyond {@code α} per guard and step (Ville's inequality). Every action
 * goes through the audited experiment API with the statistic in its reason, and is published as a
 * {@link RolloutEvent}. Statistics restart with each step. Thread-safe.
 */
public final class GuardedRollout implements CallListener, AutoCloseable {
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

  private final Object lock = new Object();
  private EnumMap<Guard.Metric, Moments> canaryStats = moments();
  private EnumMap<Guard.Metric, Moments> controlStats = moments();
  private final EnumMap<Guard.Metric, double[]> frozen = new EnumMap<>(Guard.Metric.class);
  private final EnumMap<Guard.Metric, Double> runningP = new EnumMap<>(Guard.Metric.class);
  private Instant stepStarted;
  private boolean held;
  private volatile boolean done;
  private volatile @Nullable Cancellable next;
  private final List<RolloutEvent> history = new ArrayList<>();

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
    this.stepStarted = clock.instant();
  }

  /** A builder for a rollout of experiment {@code key}, whose ramp names the canary. */
  public static Builder builder(Experiments experiments, String key) {
    return new Builder(experiments, key);
  }

  private static EnumMap<Guard.Metric, Moments> moments() {
    EnumMap<Guard.Metric, Moments> m = new EnumMap<>(Guard.Metric.class);
    for (Guard.Metric metric : Guard.Metric.values()) {
      m.put(metric, new Moments());
    }
    return m;
  }

  // ---- observations ----

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    EnumMap<Guard.Metric, Moments> arm = arm(call.attributes().getOrNull(Assignment.KEY));
    if (arm == null) {
      return;
    }
    Cost cost = call.attributes().getOrNull(Cost.KEY);
    double latency = Duration.between(call.startedAt(), clock.instant()).toNanos() / 1e6;
    synchronized (lock) {
      Objects.requireNonNull(arm.get(Guard.Metric.ERROR_RATE)).add(0);
      Objects.requireNonNull(arm.get(Guard.Metric.LATENCY_MS)).add(latency);
      if (cost != null && cost.known()) {
        Objects.requireNonNull(arm.get(Guard.Metric.COST_MICRO_USD)).add(cost.amount().orElseThrow().toNanosCeiling() / 1e3);
      }
    }
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    EnumMap<Guard.Metric, Moments> arm = arm(call.attributes().getOrNull(Assignment.KEY));
    if (arm != null) {
      synchronized (lock) {
        Objects.requireNonNull(arm.get(Guard.Metric.ERROR_RATE)).add(1);
      }
    }
  }

  /** Takes an online score (evaluator or feedback) of a call of this experiment into the SCORE guard. */
  public void score(OnlineScore score) {
    Objects.requireNonNull(score, "score");
    if (Double.isNaN(score.value())) {
      return;
    }
    String v = score.key().variant();
    synchronized (lock) {
      EnumMap<Guard.Metric, Moments> arm =
          v.equals(key + ":" + canary) ? canaryStats : v.equals(key + ":" + control) ? controlStats : null;
      if (arm != null) {
        Objects.requireNonNull(arm.get(Guard.Metric.SCORE)).add(score.value());
      }
    }
  }

  private @Nullable EnumMap<Guard.Metric, Moments> arm(@Nullable Assignment a) {
    if (a == null || done || !a.experimentKey().equals(key)
        || (a.reason() != Assignment.Reason.HASHED && a.reason() != Assignment.Reason.STICKY)) {
      return null;
    }
    synchronized (lock) {
      return a.variant().equals(canary) ? canaryStats : a.variant().equals(control) ? controlStats : null;
    }
  }

  // ---- decisions ----

  /** Schedules a look every {@code interval} on the scheduler given to the builder. */
  public void start() {
    TaskScheduler s = scheduler;
    if (s == null) {
      throw new IllegalStateException("no scheduler: give the builder one, or call evaluate() yourself");
    }
    synchronized (lock) {
      stepStarted = clock.instant();
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
   * Looks at the current step once and acts.
   *
   * @return the event of the action taken, or null when the step simply continues
   */
  public @Nullable RolloutEvent evaluate() {
    if (done) {
      return null;
    }
    Experiment e = experiments.get(key).orElseThrow();
    if (e.status() == Experiment.Status.KILLED) {
      return finish(event(RolloutEvent.Kind.KILLED, e.rampStep(), null, Double.NaN, Double.NaN,
          "kill switch is on; the rollout controller stopped"), true);
    }
    synchronized (lock) {
      for (Guard g : guards) {
        Moments c = Objects.requireNonNull(canaryStats.get(g.metric()));
        Moments k = Objects.requireNonNull(controlStats.get(g.metric()));
        if (c.n < Math.max(2, minSamples) || k.n < Math.max(2, minSamples)) {
          continue;
        }
        double[] scale = frozen.computeIfAbsent(g.metric(), m -> new double[] {Math.abs(k.mean())});
        double base = scale[0] > 0 ? scale[0] : 1e-9;
        double sign = g.metric().higherIsWorse() ? 1 : -1;
        double worse = sign * (c.mean() - k.mean()) - g.margin() * base;
        double variance = Math.max(c.variance() / c.n + k.variance() / k.n, 1e-12 * base * base);
        double tau = g.effect() * base;
        double lambda = Msprt.likelihoodRatio(worse, variance, tau * tau);
        double p = Math.min(runningP.getOrDefault(g.metric(), 1.0), Msprt.pValue(lambda));
        runningP.put(g.metric(), p);
        if (worse > 0 && lambda >= 1 / alpha) {
          String reason = String.format(Locale.ROOT,
              "guard %s: canary %.4g vs control %.4g (n=%d, %d), mSPRT Lambda=%.3g >= 1/alpha=%.3g, always-valid p=%.3g",
              g.metric(), c.mean(), k.mean(), c.n, k.n, lambda, 1 / alpha, p);
          if (g.onFailure() == Guard.Action.ROLL_BACK) {
            Experiment after = experiments.rollbackRamp(key, "guarded rollout: " + reason);
            return finish(event(RolloutEvent.Kind.ROLLED_BACK, after.rampStep(), g, lambda, p, c.mean(), k.mean(),
                reason), true);
          }
          if (!held) {
            held = true;
            return publish(event(RolloutEvent.Kind.HELD, e.rampStep(), g, lambda, p, c.mean(), k.mean(), reason));
          }
          return null;
        }
      }
      if (held) {
        return null; // a held step stays held until its guard passes at the next step's evaluation
      }
      long canaryCalls = Objects.requireNonNull(canaryStats.get(Guard.Metric.ERROR_RATE)).n;
      long controlCalls = Objects.requireNonNull(controlStats.get(Guard.Metric.ERROR_RATE)).n;
      Duration lasted = Duration.between(stepStarted, clock.instant());
      if (lasted.compareTo(minStepDuration) < 0 || canaryCalls < minSamples || controlCalls < minSamples) {
        return null;
      }
      Experiment.Ramp ramp = Objects.requireNonNull(e.ramp());
      String reason = String.format(Locale.ROOT, "guarded rollout: step %d healthy for %s with %d canary and %d control calls",
          e.rampStep(), lasted, canaryCalls, controlCalls);
      if (e.rampStep() + 1 >= ramp.steps().size()) {
        return finish(event(RolloutEvent.Kind.PROMOTED, e.rampStep(), null, Double.NaN, Double.NaN, reason), true);
      }
      Experiment after = experiments.advanceRamp(key, reason);
      newStep();
      return publish(event(RolloutEvent.Kind.ADVANCED, after.rampStep(), null, Double.NaN, Double.NaN, reason));
    }
  }

  private void newStep() {
    canaryStats = moments();
    controlStats = moments();
    frozen.clear();
    runningP.clear();
    held = false;
    stepStarted = clock.instant();
  }

  private RolloutEvent event(RolloutEvent.Kind kind, int step, @Nullable Guard g, double lambda, double p, String reason) {
    return event(kind, step, g, lambda, p, Double.NaN, Double.NaN, reason);
  }

  private RolloutEvent event(RolloutEvent.Kind kind, int step, @Nullable Guard g, double lambda, double p,
      double canaryMean, double controlMean, String reason) {
    return new RolloutEvent(kind, key, step, g == null ? null : g.metric(), lambda, p, canaryMean, controlMean,
        Objects.requireNonNull(canaryStats.get(Guard.Metric.ERROR_RATE)).n,
        Objects.requireNonNull(controlStats.get(Guard.Metric.ERROR_RATE)).n, reason, clock.instant());
  }

  private RolloutEvent finish(RolloutEvent e, boolean stop) {
    if (stop) {
      done = true;
      Cancellable n = next;
      if (n != null) {
        n.cancel();
      }
    }
    return publish(e);
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

  /** Whether the rollout is over (promoted, rolled back or killed). */
  public boolean done() {
    return done;
  }

  /** Every action taken so far, in order. */
  public List<RolloutEvent> history() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /** Stops looking. */
  @Override
  public void close() {
    done = true;
    Cancellable n = next;
    if (n != null) {
      n.cancel();
    }
  }

  /** Count, mean and sum of squared deviations (Welford), for one metric of one arm. */
  private static final class Moments {
    long n;
    double mean;
    double m2;

    void add(double x) {
      n++;
      double d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }

    double mean() {
      return mean;
    }

    double variance() {
      return n > 1 ? m2 / (n - 1) : 0;
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
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be > 0 but was " + interval);
      }
      this.interval = interval;
      return this;
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
     * Builds the controller.
     *
     * @throws IllegalArgumentException if the experiment is unknown, has no ramp, the control is
     *     not another variant, or no guard was added
     */
    public GuardedRollout build() {
      if (guards.isEmpty()) {
        throw new IllegalArgumentException("a guarded rollout needs at least one guard");
      }
      return new GuardedRollout(this);
    }
  }
}
