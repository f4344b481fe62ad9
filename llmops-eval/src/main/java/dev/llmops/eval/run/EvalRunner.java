package dev.llmops.eval.run;

import dev.llmops.api.CallContext;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.evaluator.Evaluator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link Candidate} over a {@link Dataset} through an {@link LlmClient} and scores every
 * answer with the evaluators.
 *
 * <ul>
 *   <li><b>Concurrency:</b> at most {@link Builder#concurrency} case repeats are in flight, started
 *       with the client's asynchronous API; no thread waits for a call. A finished case starts the
 *       next, on the thread that finished it.
 *   <li><b>Budget:</b> with a {@link RunBudget}, each run's calls (the evaluators' too) carry an API
 *       key id of their own that the client's hard budget counts; once it refuses a call no new case
 *       starts, and the run ends incomplete.
 *   <li><b>Repeats:</b> each case runs {@link Builder#repeats} times; with {@link Builder#seed} the
 *       repeat {@code r} is sent with seed {@code seed + r}, for providers that take one. A case
 *       passes by the {@link RepeatRule}.
 *   <li><b>Results:</b> each case repeat is appended to a results file as it finishes (answers
 *       redacted), so memory holds only the cases in flight. With a {@link Builder#resultsDirectory}
 *       a later run of the same dataset version, candidate, repeats, seed and evaluators resumes the
 *       file: finished case repeats are not run again.
 *   <li><b>Fingerprint:</b> every call carries the dataset's {@code name@version} in its {@link
 *       dev.llmops.api.Fingerprint}.
 *   <li><b>Progress:</b> a progress bar with ETA and spend on a console, if given.
 * </ul>
 *
 * Immutable and thread-safe; runs may overlap.
 */
public final class EvalRunner {
  private final LlmClient client;
  private final List<Evaluator> evaluators;
  private final int concurrency;
  private final int repeats;
  private final @Nullable Long seed;
  private final RepeatRule rule;
  private final @Nullable RunBudget budget;
  private final @Nullable Path resultsDirectory;
  private final Redactor redactor;
  private final @Nullable PrintStream progress;
  private final boolean terminal;
  private final CallContext context;
  private final AtomicLong runs = new AtomicLong();

  private EvalRunner(Builder b) {
    this.client = b.client;
    this.evaluators = List.copyOf(b.evaluators);
    this.concurrency = b.concurrency;
    this.repeats = b.repeats;
    this.seed = b.seed;
    this.rule = b.rule;
    this.budget = b.budget;
    this.resultsDirectory = b.resultsDirectory;
    this.redactor = b.redactor;
    this.progress = b.progress;
    this.terminal = b.terminal;
    this.context = b.context;
  }

  /** A builder for a runner that calls {@code client}. */
  public static Builder builder(LlmClient client) {
    return new Builder(client);
  }

  /**
   * Runs and waits.
   *
   * @throws IllegalStateException if a prompt candidate meets a client without a prompt registry
   * @throws UncheckedIOException if the results file cannot be written
   */
  public RunResult run(Dataset dataset, Candidate candidate) {
    CompletableFuture<RunResult> f = runAsync(dataset, candidate);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      CancellationException ce = new CancellationException("interrupted while waiting for the run");
      ce.initCause(e);
      throw ce;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new CompletionException(cause);
    }
  }

  /**
   * Starts a run; the future completes when every case has run, or the budget stopped it.
   * Cancelling the future starts no further case.
   *
   * @throws IllegalStateException if a prompt candidate meets a client without a prompt registry
   * @throws UncheckedIOException if the results file cannot be opened
   */
  public CompletableFuture<RunResult> runAsync(Dataset dataset, Candidate candidate) {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(candidate, "candidate");
    if (candidate.promptName() != null && !client.steps().contains(PipelineStep.PROMPT)) {
      throw new IllegalStateException("candidate " + candidate.name()
          + " renders a prompt, but the client has no prompt registry: LlmClient.builder().prompts(registry)");
    }
    if (budget != null && !client.steps().contains(PipelineStep.ADMISSION)) {
      throw new IllegalStateException("a run budget needs the client's budgets to include RunBudget.budget(): "
          + "LlmClient.builder().budgets(Budgets.builder().budget(runBudget.budget()).build())");
    }
    List<String> names = new ArrayList<>();
    evaluators.forEach(e -> names.add(e.name()));
    ResultsFile.Header header = new ResultsFile.Header(dataset.name(), dataset.version(), dataset.size(),
        candidate.name(), candidate.describe(), repeats, seed, names);
    Path file = resultsFile(header, candidate);
    long number = runs.incrementAndGet();
    String runId = candidate.fileName() + "-" + Long.toHexString(client.clock().millis()) + "-" + number;
    CallContext ctx = context.withTag("llmops.eval.run", runId).withTag("llmops.eval.dataset", dataset.id());
    String apiKeyId = null;
    if (budget != null) {
      apiKeyId = RunBudget.KEY_PREFIX + runId;
      ctx = ctx.withApiKeyId(apiKeyId);
    }
    RunExecution run;
    try {
      run = new RunExecution(this, dataset, candidate, header, file, ctx, apiKeyId);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open results file " + file, e);
    }
    return run.start();
  }

  private Path resultsFile(ResultsFile.Header header, Candidate candidate) {
    try {
      if (resultsDirectory == null) {
        Path tmp = Files.createTempFile("llmops-eval-" + candidate.fileName() + "-", ".jsonl");
        tmp.toFile().deleteOnExit();
        Files.delete(tmp);
        return tmp;
      }
      String key = header.key();
      return resultsDirectory.resolve(header.datasetName()).resolve(candidate.fileName() + "-" + key + ".jsonl");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a results file", e);
    }
  }

  LlmClient client() {
    return client;
  }

  List<Evaluator> evaluators() {
    return evaluators;
  }

  int concurrency() {
    return concurrency;
  }

  int repeats() {
    return repeats;
  }

  @Nullable Long seed() {
    return seed;
  }

  RepeatRule rule() {
    return rule;
  }

  Redactor redactor() {
    return redactor;
  }

  @Nullable PrintStream progress() {
    return progress;
  }

  boolean terminal() {
    return terminal;
  }

  /**
   * True when standard output is a terminal. Before JDK 22 {@code System.console()} is null unless
   * it is; from JDK 22 on it is never null, and its {@code isTerminal()} (called reflectively, as
   * this compiles for 17) says.
   */
  @SuppressWarnings("SystemConsoleNull") // handled: see the comment
  static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // before JDK 22: a console exists only on a terminal
    }
  }

  /** Builds an {@link EvalRunner}. Setters validate at once; not thread-safe. */
  public static final class Builder {
    private final LlmClient client;
    private final List<Evaluator> evaluators = new ArrayList<>();
    private int concurrency = 8;
    private int repeats = 1;
    private @Nullable Long seed;
    private RepeatRule rule = RepeatRule.MAJORITY;
    private @Nullable RunBudget budget;
    private @Nullable Path resultsDirectory;
    private Redactor redactor = Redactor.defaults();
    private @Nullable PrintStream progress;
    private boolean terminal;
    private CallContext context = CallContext.empty();

    private Builder(LlmClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** Adds evaluators; every answer is scored by each, in order. */
    public Builder evaluators(Evaluator... evaluators) {
      for (Evaluator e : evaluators) {
        this.evaluators.add(Objects.requireNonNull(e, "evaluator"));
      }
      return this;
    }

    /** Adds evaluators; every answer is scored by each, in order. */
    public Builder evaluators(List<Evaluator> evaluators) {
      return evaluators(evaluators.toArray(new Evaluator[0]));
    }

    /**
     * How many case repeats may be in flight at once (default 8).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be >= 1 but was " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * How many times each case runs (default 1), for models that answer differently each time.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder repeats(int repeats) {
      if (repeats < 1) {
        throw new IllegalArgumentException("repeats must be >= 1 but was " + repeats);
      }
      this.repeats = repeats;
      return this;
    }

    /** Sends repeat {@code r} with seed {@code seed + r} (default: no seed is set). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** When a repeated case counts as passed (default {@link RepeatRule#MAJORITY}). */
    public Builder repeatRule(RepeatRule rule) {
      this.rule = Objects.requireNonNull(rule, "rule");
      return this;
    }

    /** A hard budget for each run; the client's budgets must include {@link RunBudget#budget()}. */
    public Builder budget(RunBudget budget) {
      this.budget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * Where results files go, one per dataset version, candidate and settings; a run finds and
     * resumes its file there (default: a temporary file per run, never resumed).
     */
    public Builder resultsDirectory(Path directory) {
      this.resultsDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** The redactor applied to answers before they are stored (default {@link Redactor#defaults()}). */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /**
     * Prints a progress bar with ETA and spend to {@code out}; {@code terminal} redraws one line in
     * place, otherwise a plain line is printed every 10 % (for CI logs). Default: no progress.
     */
    public Builder progress(PrintStream out, boolean terminal) {
      this.progress = Objects.requireNonNull(out, "out");
      this.terminal = terminal;
      return this;
    }

    /** Progress on standard output, redrawn in place when it is a terminal. */
    public Builder progressToConsole() {
      return progress(System.out, isTerminal());
    }

    /** The context of every call (default: empty); the runner adds its run and dataset tags. */
    public Builder context(CallContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Builds the runner.
     *
     * @throws IllegalStateException if two evaluators share a name
     */
    public EvalRunner build() {
      Set<String> names = new HashSet<>();
      for (Evaluator e : evaluators) {
        if (!names.add(e.name())) {
          throw new IllegalStateException("two evaluators are named '" + e.name() + "'; names must be unique");
        }
      }
      return new EvalRunner(this);
    }
  }
}
