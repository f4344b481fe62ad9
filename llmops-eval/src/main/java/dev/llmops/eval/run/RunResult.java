package dev.llmops.eval.run;

import dev.llmops.api.Money;
import dev.llmops.eval.stats.Proportion;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.statistics.descriptive.Quantile;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of running a candidate over a dataset (or of a baseline file read back): one {@link
 * CaseOutcome} per case that ran, and totals. Answers are kept only as each case's first (redacted)
 * answer; every repeat's full record stays in the results file. Immutable and thread-safe.
 */
public final class RunResult {
  private final String datasetName;
  private final String datasetVersion;
  private final int datasetSize;
  private final String candidateName;
  private final String candidateDescription;
  private final int repeats;
  private final RepeatRule rule;
  private final int notRun;
  private final boolean budgetExhausted;
  private final List<CaseOutcome> outcomes;
  private final long evaluationCostNanos;
  private final @Nullable Path resultsFile;
  private final int peakInFlight;
  private final Map<String, CaseOutcome> byId;

  /**
   * Creates a result.
   *
   * @param datasetName the dataset's name
   * @param datasetVersion the dataset's version
   * @param datasetSize how many cases the dataset has
   * @param candidateName the candidate's display name
   * @param candidateDescription the candidate's settings ({@link Candidate#describe()})
   * @param repeats repeats per case
   * @param rule when a repeated case counts as passed
   * @param notRun how many case repeats did not run (a budget ran out, a run was interrupted)
   * @param budgetExhausted whether the run's budget refused a call
   * @param outcomes one per case that ran, in dataset order (baseline files: by id)
   * @param evaluationCostNanos what the evaluators' own calls cost, in nano-dollars
   * @param resultsFile the file with every repeat's record, or null (a baseline)
   * @param peakInFlight the most case repeats the run held in memory at once (0 for a baseline)
   */
  public RunResult(
      String datasetName, String datasetVersion, int datasetSize, String candidateName,
      String candidateDescription, int repeats, RepeatRule rule, int notRun, boolean budgetExhausted,
      List<CaseOutcome> outcomes, long evaluationCostNanos, @Nullable Path resultsFile, int peakInFlight) {
    this.datasetName = Objects.requireNonNull(datasetName, "datasetName");
    this.datasetVersion = Objects.requireNonNull(datasetVersion, "datasetVersion");
    this.datasetSize = datasetSize;
    this.candidateName = Objects.requireNonNull(candidateName, "candidateName");
    this.candidateDescription = Objects.requireNonNull(candidateDescription, "candidateDescription");
    this.repeats = repeats;
    this.rule = Objects.requireNonNull(rule, "rule");
    this.notRun = notRun;
    this.budgetExhausted = budgetExhausted;
    this.outcomes = List.copyOf(outcomes);
    this.evaluationCostNanos = evaluationCostNanos;
    this.resultsFile = resultsFile;
    this.peakInFlight = peakInFlight;
    Map<String, CaseOutcome> m = new LinkedHashMap<>();
    for (CaseOutcome o : this.outcomes) {
      if (m.put(o.caseId(), o) != null) {
        throw new IllegalArgumentException("two outcomes for case '" + o.caseId() + "'");
      }
    }
    this.byId = m;
  }

  /**
   * Reads a results file a run wrote (a {@code .jsonl} file of its results directory).
   *
   * @throws IllegalStateException if it is not a results file
   * @throws java.io.UncheckedIOException if it cannot be read
   */
  public static RunResult fromResultsFile(Path file, RepeatRule rule) {
    return ResultsFile.summarise(Objects.requireNonNull(file, "file"), Objects.requireNonNull(rule, "rule"), false, 0);
  }

  /** The dataset's name. */
  public String datasetName() {
    return datasetName;
  }

  /** The dataset's version. */
  public String datasetVersion() {
    return datasetVersion;
  }

  /** {@code name@version}. */
  public String datasetId() {
    return datasetName + "@" + datasetVersion;
  }

  /** How many cases the dataset has. */
  public int datasetSize() {
    return datasetSize;
  }

  /** The candidate's display name. */
  public String candidateName() {
    return candidateName;
  }

  /** The candidate's settings. */
  public String candidateDescription() {
    return candidateDescription;
  }

  /** Repeats per case. */
  public int repeats() {
    return repeats;
  }

  /** When a repeated case counts as passed. */
  public RepeatRule rule() {
    return rule;
  }

  /** How many case repeats did not run. */
  public int notRun() {
    return notRun;
  }

  /** True when every case of the dataset ran every repeat. */
  public boolean complete() {
    return notRun == 0 && outcomes.size() == datasetSize;
  }

  /** Whether the run's budget refused a call. */
  public boolean budgetExhausted() {
    return budgetExhausted;
  }

  /** One outcome per case that ran. */
  public List<CaseOutcome> outcomes() {
    return outcomes;
  }

  /** The outcome of case {@code id}, if it ran. */
  public Optional<CaseOutcome> outcome(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The file holding every repeat's record, or null. */
  public @Nullable Path resultsFile() {
    return resultsFile;
  }

  /**
   * The most case repeats the run held in memory at once: started and not yet written to the
   * results file (at most the runner's concurrency); 0 for a baseline read from a file.
   */
  public int peakInFlight() {
    return peakInFlight;
  }

  /** How many cases passed. */
  public int passed() {
    int n = 0;
    for (CaseOutcome o : outcomes) {
      if (o.passed()) {
        n++;
      }
    }
    return n;
  }

  /** The pass rate over the cases that ran, with its 95 % Wilson interval. */
  public Proportion passRate() {
    return Proportion.wilson(passed(), outcomes.size(), 0.95);
  }

  /** The mean of the cases' scores (0 with no case). */
  public double meanScore() {
    double sum = 0;
    for (CaseOutcome o : outcomes) {
      sum += o.score();
    }
    return outcomes.isEmpty() ? 0 : sum / outcomes.size();
  }

  /** What the candidate's calls cost, or empty when any call's cost was unknown. */
  public Optional<Money> cost() {
    long sum = 0;
    for (CaseOutcome o : outcomes) {
      if (o.costNanos() < 0) {
        return Optional.empty();
      }
      sum += o.costNanos();
    }
    return Optional.of(Money.ofNanos(sum));
  }

  /** What the evaluators' own calls cost (a judge's). */
  public Money evaluationCost() {
    return Money.ofNanos(evaluationCostNanos);
  }

  /** What the evaluators' own calls cost, in nano-dollars. */
  public long evaluationCostNanos() {
    return evaluationCostNanos;
  }

  /** The {@code p} quantile (in [0, 1]) of the cases' mean latencies, in milliseconds (0 with no case). */
  public double latencyQuantileMillis(double p) {
    if (outcomes.isEmpty()) {
      return 0;
    }
    double[] l = new double[outcomes.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = outcomes.get(i).latencyMillis();
    }
    return Quantile.withDefaults().with(Quantile.EstimationMethod.HF7).withCopy(false).evaluate(l, p);
  }

  @Override
  public String toString() {
    return "RunResult[" + candidateName + " on " + datasetId() + ": " + passed() + "/" + outcomes.size()
        + " passed" + (complete() ? "" : ", incomplete: " + notRun + " not run") + "]";
  }
}
