package dev.llmops.eval.cli;

import dev.llmops.eval.compare.GatePolicy;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.judge.JudgeCalibration;
import dev.llmops.eval.run.Candidate;
import dev.llmops.eval.run.EvalRunner;
import dev.llmops.eval.run.RunResult;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the command line runs: an application's dataset, runner (client, evaluators, budget) and
 * named candidates. The command line creates it through its public no-argument constructor and
 * closes it when done. Implementations need not be thread-safe.
 */
public interface EvalSuite extends AutoCloseable {

  /** The dataset. */
  Dataset dataset();

  /** The runner. */
  EvalRunner runner();

  /** The names of the candidates {@link #candidate} knows, the default first. */
  List<String> candidates();

  /**
   * The candidate named {@code name}.
   *
   * @throws IllegalArgumentException if there is none of that name
   */
  Candidate candidate(String name);

  /**
   * Runs {@code candidate} over the dataset (default: the runner, waiting for it). A suite on
   * simulated time overrides it to drive its clock.
   */
  default RunResult run(Candidate candidate) {
    return runner().run(dataset(), candidate);
  }

  /** The gate's thresholds (default {@link GatePolicy#defaults()}). */
  default GatePolicy policy() {
    return GatePolicy.defaults();
  }

  /** A judge calibration to put in the reports, or null (default). */
  default @Nullable JudgeCalibration calibration() {
    return null;
  }

  /** Releases the suite's resources (its client); by default nothing. */
  @Override
  default void close() {}
}
