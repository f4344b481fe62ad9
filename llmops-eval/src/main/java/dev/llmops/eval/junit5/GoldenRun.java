package dev.llmops.eval.junit5;

import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.gate.GateResult;
import dev.llmops.eval.gate.QualityGate;
import dev.llmops.eval.run.Candidate;
import dev.llmops.eval.run.EvalRunner;
import dev.llmops.eval.run.RunResult;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The dataset and gate of one {@link GoldenDataset} test. Not thread-safe; one per test.
 */
public final class GoldenRun {
  private final Dataset dataset;
  private final QualityGate gate;
  private @Nullable GateResult result;

  GoldenRun(Dataset dataset, QualityGate gate) {
    this.dataset = dataset;
    this.gate = gate;
  }

  /** The dataset the annotation names. */
  public Dataset dataset() {
    return dataset;
  }

  /**
   * Runs {@code candidate} over the dataset with {@code runner}, then gates the run.
   *
   * @return the gate's decision, when it passed
   * @throws RegressionError when it failed: regression, incomplete run, or no baseline
   */
  public GateResult check(EvalRunner runner, Candidate candidate) {
    Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(candidate, "candidate");
    return check(runner.run(dataset, candidate));
  }

  /**
   * Gates a run already made over the dataset.
   *
   * @return the gate's decision, when it passed
   * @throws RegressionError when it failed
   * @throws IllegalArgumentException if the run is of another dataset
   */
  public GateResult check(RunResult run) {
    if (!run.datasetId().equals(dataset.id())) {
      throw new IllegalArgumentException("the run is of " + run.datasetId() + ", not of " + dataset.id());
    }
    GateResult r = gate.check(run);
    result = r;
    if (r.failed()) {
      throw new RegressionError(r);
    }
    return r;
  }

  /** The decision, once {@link #check} ran. */
  @Nullable GateResult result() {
    return result;
  }
}
