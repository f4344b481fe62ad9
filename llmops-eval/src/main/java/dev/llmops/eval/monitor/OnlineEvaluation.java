package dev.llmops.eval.monitor;

import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Cost;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Money;
import dev.llmops.core.experiment.GrowthBook;
import dev.llmops.eval.dataset.EvalCase;
import dev.llmops.eval.evaluator.Answer;
import dev.llmops.eval.evaluator.Evaluator;
import dev.llmops.eval.evaluator.Sample;
import dev.llmops.eval.evaluator.Score;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Online quality signals: runs evaluators on a sample of production calls, off the call path, and
 * ties user feedback to the call that produced the answer. Add with {@code
 * LlmClient.Builder.listener(online).closeOnClose(online)}.
 *
 * <ul>
 *   <li><b>Sampling</b> is a rate per feature (and per experiment variant, which wins), decided
 *       deterministically from the call id (a GrowthBook version-2 hash), so a replay samples the
 *       same calls.
 *   <li><b>Off the call path, bounded.</b> The ending call only offers a job to a bounded queue
 *       ({@code queueCapacity}, default 256); a worker on the {@code executor} (default: one daemon
 *       thread of its own) runs the evaluators, one job at a time, each bounded by {@code
 *       evaluationTimeout}. A job is dropped — and counted in {@link #stats()} — when the queue is
 *       full or the budget is spent.
 *   <li><b>Budget.</b> A judge model costs money: evaluations stop (counted) once the scores'
 *       costs reach {@code budget} (default: no limit). The judge's own calls go through the
 *       application's client, where llmops' budgets apply too.
 *   <li><b>Feedback</b> ({@link #feedback}) finds the call among the last {@code recentCalls}
 *       (default 10,000) and scores it like an evaluator named {@code feedback.<kind>}.
 * </ul>
 *
 * Every score goes to the listeners as an {@link OnlineScore} (the fields of the semantic
 * conventions' {@code gen_ai.evaluation.result} event, and the answer's response id) and, if one is
 * set, to a {@link DriftMonitor} as {@link Signal#SCORE} (feedback as {@link Signal#FEEDBACK}). To emit scores as that event and as the
 * {@code llmops.evaluation.score} metric, add {@code llmops-otel}'s {@code
 * OtelEvaluations.create(openTelemetry)} as a listener (this module does not see OpenTelemetry). Thread-safe. Listeners run on the worker (feedback: on the
 * caller of {@code feedback}) and must not throw (a throw is caught and counted).
 */
public final class OnlineEvaluation implements CallListener, AutoCloseable {
  private static final String SAMPLE_SEED = "__online_eval__";

  private final List<Evaluator> evaluators;
  private final double defaultRate;
  private final Map<String, Double> featureRates;
  private final Map<String, Double> variantRates;
  private final BlockingQueue<Job> queue;
  private final Executor executor;
  private final @Nullable ExecutorService ownExecutor;
  private final Duration evaluationTimeout;
  private final @Nullable Money budget;
  private final Clock clock;
  private final List<Consumer<OnlineScore>> listeners;
  private final @Nullable DriftMonitor drift;
  private final int recentCapacity;
  private final LinkedHashMap<String, Recent> recent;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong spentNanos = new AtomicLong();
  private final AtomicLong sampled = new AtomicLong();
  private final AtomicLong droppedQueueFull = new AtomicLong();
  private final AtomicLong droppedBudget = new AtomicLong();
  private final AtomicLong evaluated = new AtomicLong();
  private final AtomicLong evaluatorFailures = new AtomicLong();
  private final AtomicLong feedbackUnknownCall = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();

  private OnlineEvaluation(Builder b) {
    this.evaluators = List.copyOf(b.evaluators);
    this.defaultRate = b.defaultRate;
    this.featureRates = Map.copyOf(b.featureRates);
    this.variantRates = Map.copyOf(b.variantRates);
    this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownExecutor = null;
    } else {
      ExecutorService own = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "llmops-online-eval");
        t.setDaemon(true);
        return t;
      });
      this.executor = own;
      this.ownExecutor = own;
    }
    this.evaluationTimeout = b.evaluationTimeout;
    this.budget = b.budget;
    this.clock = b.clock;
    this.listeners = List.copyOf(b.listeners);
    this.drift = b.drift;
    this.recentCapacity = b.recentCalls;
    this.recent = new LinkedHashMap<>(16, 0.75f, false);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    MonitorKey key = MonitorKey.of(call);
    remember(call.callId(), new Recent(key, response.id()));
    double rate = rate(key);
    if (rate <= 0 || GrowthBook.hash(SAMPLE_SEED, call.callId(), 2) >= rate) {
      return;
    }
    sampled.incrementAndGet();
    if (budgetSpent()) {
      droppedBudget.incrementAndGet();
      return;
    }
    Cost cost = call.attributes().getOrNull(Cost.KEY);
    Answer answer = new Answer(response.text(), response.finishReason(), response.usage(),
        cost == null || !cost.known() ? null : cost.amount().orElseThrow(),
        Duration.between(call.startedAt(), clock.instant()), call.attributes().getOrNull(Fingerprint.KEY));
    EvalCase.Builder c = EvalCase.builder(call.callId());
    call.originalRequest().messages().forEach(c::message);
    Sample sample = new Sample("online", c.build(), answer, 0, call.context());
    if (!queue.offer(new Job(call.callId(), key, sample, response.id()))) {
      droppedQueueFull.incrementAndGet();
      return;
    }
    if (draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private double rate(MonitorKey key) {
    Double r = key.variant().isEmpty() ? null : variantRates.get(key.variant());
    if (r == null) {
      r = featureRates.get(key.feature());
    }
    return r == null ? defaultRate : r;
  }

  private boolean budgetSpent() {
    Money b = budget;
    return b != null && spentNanos.get() >= b.toNanosCeiling();
  }

  private void drain() {
    while (true) {
      Job job = queue.poll();
      if (job == null) {
        draining.set(false);
        // A job offered between the poll and the reset must not wait for the next call.
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      for (Evaluator e : evaluators) {
        if (budgetSpent()) {
          droppedBudget.incrementAndGet();
          break;
        }
        try {
          Score s = e.evaluate(job.sample).toCompletableFuture()
              .orTimeout(evaluationTimeout.toMillis(), TimeUnit.MILLISECONDS).join();
          spentNanos.addAndGet(s.cost().toNanosCeiling());
          evaluated.incrementAndGet();
          publish(new OnlineScore(job.callId, e.name(), s.value(), s.passed() ? "pass" : "fail", s.reason(), job.key,
              clock.instant(), emptyToNull(job.responseId)));
        } catch (RuntimeException ex) {
          evaluatorFailures.incrementAndGet();
        }
      }
    }
  }

  /**
   * Records a user's feedback on the call {@code callId}.
   *
   * @return false when the call is not among the recent calls (counted in {@link #stats()})
   */
  public boolean feedback(String callId, Feedback feedback) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(feedback, "feedback");
    @Nullable Recent call;
    synchronized (recent) {
      call = recent.get(callId);
    }
    if (call == null) {
      feedbackUnknownCall.incrementAndGet();
      return false;
    }
    publish(new OnlineScore(callId, "feedback." + feedback.kind(), feedback.value(), feedback.label(),
        feedback.comment(), call.key, clock.instant(), emptyToNull(call.responseId)));
    return true;
  }

  private static @Nullable String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private void remember(String callId, Recent call) {
    synchronized (recent) {
      recent.put(callId, call);
      if (recent.size() > recentCapacity) {
        recent.remove(recent.keySet().iterator().next());
      }
    }
  }

  private void publish(OnlineScore score) {
    DriftMonitor d = drift;
    if (d != null) {
      d.score(score);
    }
    for (Consumer<OnlineScore> l : listeners) {
      try {
        l.accept(score);
      } catch (RuntimeException e) {
        listenerFailures.incrementAndGet();
      }
    }
  }

  /** Counters so far. */
  public Stats stats() {
    return new Stats(sampled.get(), droppedQueueFull.get(), droppedBudget.get(), evaluated.get(),
        evaluatorFailures.get(), feedbackUnknownCall.get(), listenerFailures.get(), queue.size(), Money.ofNanos(spentNanos.get()));
  }

  /** Stops the worker thread it owns (an executor given to the builder is the application's). */
  @Override
  public void close() {
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }

  private record Job(String callId, MonitorKey key, Sample sample, String responseId) {}

  /** What feedback needs of a recent call. */
  private record Recent(MonitorKey key, String responseId) {}

  /**
   * Online evaluation counters. Immutable.
   *
   * @param sampled calls sampled for evaluation
   * @param droppedQueueFull sampled calls dropped because the queue was full
   * @param droppedBudget sampled calls (or evaluations) dropped because the budget was spent
   * @param evaluated evaluator runs that gave a score
   * @param evaluatorFailures evaluator runs that failed or timed out
   * @param feedbackUnknownCall feedback for calls not among the recent ones
   * @param listenerFailures times a listener threw
   * @param queued jobs waiting now
   * @param spent what the scores cost so far
   */
  public record Stats(long sampled, long droppedQueueFull, long droppedBudget, long evaluated,
      long evaluatorFailures, long feedbackUnknownCall, long listenerFailures, int queued, Money spent) {}

  /** Builds an {@link OnlineEvaluation}. Setters check their ranges at once. Not thread-safe. */
  public static final class Builder {
    private final List<Evaluator> evaluators = new ArrayList<>();
    private double defaultRate = 0.01;
    private final Map<String, Double> featureRates = new LinkedHashMap<>();
    private final Map<String, Double> variantRates = new LinkedHashMap<>();
    private int queueCapacity = 256;
    private @Nullable Executor executor;
    private Duration evaluationTimeout = Duration.ofMinutes(1);
    private @Nullable Money budget;
    private Clock clock = Clock.systemUTC();
    private final List<Consumer<OnlineScore>> listeners = new ArrayList<>();
    private @Nullable DriftMonitor drift;
    private int recentCalls = 10_000;

    private Builder() {}

    /** Adds an evaluator run on every sampled call. */
    public Builder evaluator(Evaluator evaluator) {
      evaluators.add(Objects.requireNonNull(evaluator, "evaluator"));
      return this;
    }

    /** The share of calls sampled, in {@code [0, 1]} (default 0.01). */
    public Builder sampleRate(double rate) {
      this.defaultRate = checkRate(rate);
      return this;
    }

    /** The share of calls of {@code feature} sampled, in {@code [0, 1]}. */
    public Builder sampleRate(String feature, double rate) {
      featureRates.put(Objects.requireNonNull(feature, "feature"), checkRate(rate));
      return this;
    }

    /** The share of calls assigned {@code variant} of {@code experiment} sampled, in {@code [0, 1]}; wins over the feature's. */
    public Builder sampleRate(String experiment, String variant, double rate) {
      variantRates.put(Objects.requireNonNull(experiment, "experiment") + ":" + Objects.requireNonNull(variant, "variant"),
          checkRate(rate));
      return this;
    }

    private static double checkRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("sample rate must be in [0, 1] but was " + rate);
      }
      return rate;
    }

    /** Sampled calls that may wait for the worker, {@code >= 1} (default 256). */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be >= 1 but was " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /** Where the worker runs (default: one daemon thread of its own, stopped by {@code close()}). */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** How long one evaluator may take, {@code > 0} (default 1 minute). */
    public Builder evaluationTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("evaluationTimeout must be > 0 but was " + timeout);
      }
      this.evaluationTimeout = timeout;
      return this;
    }

    /** Stops evaluating once the scores' costs reach {@code budget} (default: no limit). */
    public Builder budget(Money budget) {
      this.budget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /** The clock scores are timed on (default the system's; pass the client's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Adds a listener for scores. */
    public Builder listener(Consumer<OnlineScore> listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Also records scores in {@code monitor}: evaluators' as {@link Signal#SCORE}, feedback as {@link Signal#FEEDBACK}. */
    public Builder driftMonitor(DriftMonitor monitor) {
      this.drift = Objects.requireNonNull(monitor, "monitor");
      return this;
    }

    /** Calls remembered for feedback, {@code >= 1} (default 10,000). */
    public Builder recentCalls(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("recentCalls must be >= 1 but was " + count);
      }
      this.recentCalls = count;
      return this;
    }

    /**
     * Builds the online evaluation.
     *
     * @throws IllegalStateException if no evaluator was added
     */
    public OnlineEvaluation build() {
      if (evaluators.isEmpty()) {
        throw new IllegalStateException("online evaluation needs at least one evaluator");
      }
      return new OnlineEvaluation(this);
    }
  }
}
