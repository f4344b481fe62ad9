package dev.llmops.eval.run;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Money;
import dev.llmops.api.PromptRef;
import dev.llmops.core.CallBuilder;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.dataset.EvalCase;
import dev.llmops.eval.evaluator.Answer;
import dev.llmops.eval.evaluator.Evaluator;
import dev.llmops.eval.evaluator.Sample;
import dev.llmops.eval.evaluator.Score;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One run in progress. Work is pulled from the dataset's stream one case repeat at a time, only
 * when a slot is free, so at most {@code concurrency} case repeats (and their results) are held at
 * once. Starting work is serialised by a work-in-progress counter: whichever thread finishes a case
 * repeat either starts the next ones or, if another thread is already doing so, leaves it a note;
 * so a model that answers synchronously never deepens the stack.
 */
final class RunExecution {
  private final EvalRunner runner;
  private final Dataset dataset;
  private final Candidate candidate;
  private final ResultsFile results;
  private final CallContext context;
  private final @Nullable String apiKeyId;
  private final BitSet done = new BitSet();
  private final int total;
  private final int alreadyDone;
  private final Stream<EvalCase> stream;
  private final Iterator<EvalCase> cases;
  private final CompletableFuture<RunResult> future = new CompletableFuture<>();
  private final @Nullable ProgressBar progress;
  private final Instant started;

  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicLong spentNanos = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  // Guarded by the work-in-progress counter: only the thread that took it from 0 touches these.
  private @Nullable EvalCase current;
  private int currentIndex = -1;
  private int nextRepeat;
  private boolean exhausted;
  private volatile boolean stopped;
  private volatile boolean budgetExhausted;
  private volatile @Nullable Throwable fatal;

  RunExecution(EvalRunner runner, Dataset dataset, Candidate candidate, ResultsFile.Header header, Path file,
      CallContext context, @Nullable String apiKeyId) throws IOException {
    this.runner = runner;
    this.dataset = dataset;
    this.candidate = candidate;
    this.context = context;
    this.apiKeyId = apiKeyId;
    this.results = ResultsFile.open(file, header, done);
    this.total = dataset.size() * runner.repeats();
    this.alreadyDone = done.cardinality();
    this.stream = dataset.cases();
    this.cases = stream.iterator();
    PrintStream out = runner.progress();
    this.progress = out == null ? null
        : new ProgressBar(out, runner.terminal(), dataset.name() + " " + candidate.name(), total);
    this.started = runner.client().clock().instant();
  }

  CompletableFuture<RunResult> start() {
    var unused = future.whenComplete((r, e) -> stopped = true); // a cancelled run starts nothing more
    pump();
    return future;
  }

  private void pump() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    do {
      while (!stopped && inFlight.get() < runner.concurrency()) {
        Work w;
        try {
          w = next();
        } catch (RuntimeException e) {
          fail(e); // a malformed or changed dataset file
          break;
        }
        if (w == null) {
          break;
        }
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
        launch(w);
      }
      if (inFlight.get() == 0 && (stopped || exhausted) && closed.compareAndSet(false, true)) {
        finish();
      }
    } while (wip.decrementAndGet() != 0);
  }

  private record Work(EvalCase evalCase, int index, int repeat) {}

  /** The next case repeat not yet done, or null. */
  private @Nullable Work next() {
    while (true) {
      if (current != null && nextRepeat < runner.repeats()) {
        int r = nextRepeat++;
        if (!done.get(currentIndex * runner.repeats() + r)) {
          return new Work(current, currentIndex, r);
        }
        continue;
      }
      if (!cases.hasNext()) {
        exhausted = true;
        current = null;
        return null;
      }
      current = cases.next();
      currentIndex++;
      nextRepeat = 0;
    }
  }

  private void launch(Work w) {
    Instant start = runner.client().clock().instant();
    CompletableFuture<Completion> call;
    try {
      call = request(w).callAsync();
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    var unused = call.handle((completion, error) -> evaluate(w, start, completion, error))
        .thenCompose(stage -> stage)
        .whenComplete((result, error) -> settle(w, result, error));
  }

  private CallBuilder request(Work w) {
    EvalCase c = w.evalCase();
    GenerationParameters parameters = candidate.parameters();
    Long seed = runner.seed();
    if (seed != null) {
      parameters = parameters.toBuilder().seed(seed + w.repeat()).build();
    }
    String prompt = candidate.promptName();
    if (prompt == null && c.messages().isEmpty()) {
      throw new IllegalArgumentException(
          "case '" + c.id() + "' has no messages to send to the plain model candidate " + candidate.name());
    }
    ChatRequest request = new ChatRequest(candidate.model(), c.messages(), parameters, null, dev.llmops.api.ToolSet.NONE, null, Map.of());
    // Recorded before the call starts; the prompt and experiment steps keep its dataset.
    Fingerprint fingerprint = new Fingerprint(null, 0, null, candidate.model(),
        Fingerprint.hashParameters(parameters), null, null, dataset.id());
    CallBuilder call = runner.client().request(request).context(context).attribute(Fingerprint.KEY, fingerprint);
    if (prompt != null) {
      Map<String, Object> variables = c.variables();
      if (!candidate.variables().isEmpty()) {
        variables = new LinkedHashMap<>(candidate.variables());
        variables.putAll(c.variables());
      }
      call.attribute(PromptRef.KEY, new PromptRef(prompt, candidate.label(), candidate.version(), variables));
    }
    return call;
  }

  private CompletionStage<CaseResult> evaluate(
      Work w, Instant start, @Nullable Completion completion, @Nullable Throwable error) {
    Duration latency = Duration.between(start, runner.client().clock().instant());
    EvalCase c = w.evalCase();
    if (error != null || completion == null) {
      Throwable cause = unwrap(error);
      if (ownBudget(cause)) {
        return CompletableFuture.failedFuture(cause);
      }
      return CompletableFuture.completedFuture(new CaseResult(w.index(), c.id(), w.repeat(), c.tags(), "",
          describe(cause), Map.of(), null, Money.ZERO, latency, null));
    }
    Money cost = completion.attribute(Cost.KEY).flatMap(Cost::amount).orElse(null);
    Fingerprint fingerprint = completion.attribute(Fingerprint.KEY).orElse(null);
    Answer answer = new Answer(completion.text(), completion.finishReason(), completion.usage(), cost, latency, fingerprint);
    Sample sample = new Sample(dataset.id(), c, answer, w.repeat(), context);
    List<Evaluator> evaluators = runner.evaluators();
    List<CompletableFuture<Score>> scores = new ArrayList<>(evaluators.size());
    for (Evaluator e : evaluators) {
      scores.add(score(e, sample));
    }
    return CompletableFuture.allOf(scores.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
      Map<String, Score> byName = new LinkedHashMap<>();
      Money evaluationCost = Money.ZERO;
      for (int i = 0; i < scores.size(); i++) {
        Score s = scores.get(i).join();
        byName.put(evaluators.get(i).name(), s);
        evaluationCost = evaluationCost.plus(s.cost());
      }
      return new CaseResult(w.index(), c.id(), w.repeat(), c.tags(), runner.redactor().redact(answer.text()), null,
          byName, cost, evaluationCost, latency, fingerprint);
    });
  }

  /** An evaluator's score; a throwing or failing evaluator fails the answer, unless the run's budget refused it. */
  private CompletableFuture<Score> score(Evaluator e, Sample sample) {
    CompletionStage<Score> stage;
    try {
      stage = e.evaluate(sample);
    } catch (RuntimeException ex) {
      stage = CompletableFuture.failedFuture(ex);
    }
    return stage.toCompletableFuture().handle((s, ex) -> {
      if (ex == null && s != null) {
        return s;
      }
      Throwable cause = unwrap(ex);
      if (ownBudget(cause)) {
        throw new CompletionException(cause);
      }
      return Score.fail("evaluator failed: " + describe(cause));
    });
  }

  private void settle(Work w, @Nullable CaseResult result, @Nullable Throwable error) {
    try {
      if (result != null) {
        results.append(result);
        long spent = result.evaluationCost().toNanosCeiling() + (result.cost() == null ? 0 : result.cost().toNanosCeiling());
        spentNanos.addAndGet(spent);
        int n = finished.incrementAndGet();
        ProgressBar p = progress;
        if (p != null) {
          p.update(alreadyDone + n, n, Duration.between(started, runner.client().clock().instant()), spentNanos.get());
        }
      } else {
        Throwable cause = unwrap(error);
        if (ownBudget(cause)) {
          if (!budgetExhausted) {
            budgetExhausted = true;
            ProgressBar p = progress;
            if (p != null) {
              p.stop("run budget exhausted; no further case starts (" + describe(cause) + ")");
            }
          }
          stopped = true;
        } else {
          fail(cause == null ? new IllegalStateException("case " + w.evalCase().id() + " ended without a result") : cause);
        }
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
    } finally {
      inFlight.decrementAndGet();
      pump();
    }
  }

  private void fail(Throwable e) {
    if (fatal == null) {
      fatal = e;
    }
    stopped = true;
  }

  /** Closes the dataset stream and the results file, then completes the run (if not cancelled). */
  private void finish() {
    try {
      stream.close();
      results.close();
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
    if (future.isDone()) {
      return; // cancelled: the cases in flight were still written, so a later run resumes them
    }
    Throwable f = fatal;
    if (f != null) {
      future.completeExceptionally(f instanceof IOException io ? new UncheckedIOException(io) : f);
      return;
    }
    try {
      future.complete(ResultsFile.summarise(results.file(), runner.rule(), budgetExhausted, peakInFlight.get()));
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
    }
  }

  private boolean ownBudget(@Nullable Throwable e) {
    return apiKeyId != null && e != null && RunBudget.refused(e, apiKeyId);
  }

  private static @Nullable Throwable unwrap(@Nullable Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static String describe(@Nullable Throwable e) {
    if (e == null) {
      return "unknown failure";
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 160 ? m.substring(0, 160) + "…" : m));
  }
}
