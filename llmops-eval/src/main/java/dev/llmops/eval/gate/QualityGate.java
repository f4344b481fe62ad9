package dev.llmops.eval.gate;

import dev.llmops.eval.compare.Baseline;
import dev.llmops.eval.compare.Comparison;
import dev.llmops.eval.compare.GatePolicy;
import dev.llmops.eval.compare.Verdict;
import dev.llmops.eval.judge.JudgeCalibration;
import dev.llmops.eval.report.Reports;
import dev.llmops.eval.run.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A release gate over a committed baseline file: compares a candidate's run with it under a {@link
 * GatePolicy}, writes the Markdown and HTML reports, and decides. With {@link
 * Builder#updateBaseline} (or the system property {@value #UPDATE_PROPERTY}{@code =true}) it writes
 * the run as the new baseline instead, provided the run is complete. Immutable and thread-safe.
 */
public final class QualityGate {
  /** The system property that makes every gate rewrite its baseline from the run. */
  public static final String UPDATE_PROPERTY = "llmops.eval.updateBaseline";

  private final Path baseline;
  private final GatePolicy policy;
  private final Path reportDirectory;
  private final String reportName;
  private final boolean updateBaseline;
  private final @Nullable JudgeCalibration calibration;

  private QualityGate(Builder b) {
    this.baseline = b.baseline;
    this.policy = b.policy;
    this.reportDirectory = b.reportDirectory;
    this.reportName = b.reportName;
    this.updateBaseline = b.updateBaseline || Boolean.getBoolean(UPDATE_PROPERTY);
    this.calibration = b.calibration;
  }

  /** A gate comparing with the baseline file {@code baseline}. */
  public static Builder builder(Path baseline) {
    return new Builder(baseline);
  }

  /**
   * Decides on {@code candidate}'s run.
   *
   * @throws dev.llmops.api.ConfigurationException if the baseline file is malformed
   */
  public GateResult check(RunResult candidate) {
    Objects.requireNonNull(candidate, "candidate");
    if (updateBaseline) {
      if (!candidate.complete()) {
        return new GateResult(GateResult.Status.INCOMPLETE, null, null,
            "llmops-eval: not writing baseline " + baseline + ": the run is incomplete (" + candidate.notRun()
                + " case repeat(s) did not run" + (candidate.budgetExhausted() ? ", run budget exhausted" : "") + ")");
      }
      Baseline.write(candidate, baseline);
      return new GateResult(GateResult.Status.BASELINE_WRITTEN, null, null,
          "llmops-eval: baseline " + baseline + " written from " + candidate.candidateName() + " on "
              + candidate.datasetId() + " (" + candidate.passed() + "/" + candidate.outcomes().size() + " passed)");
    }
    if (!Files.exists(baseline)) {
      return new GateResult(GateResult.Status.NO_BASELINE, null, null,
          "llmops-eval: no baseline at " + baseline.toAbsolutePath() + "; run once with -D" + UPDATE_PROPERTY
              + "=true to write it from this candidate, review it and commit it");
    }
    Comparison c = Comparison.of(Baseline.read(baseline), candidate, policy);
    Path report = Reports.write(c, calibration, reportDirectory, reportName);
    String message = c.summary() + "  report: " + report.toAbsolutePath() + "\n";
    GateResult.Status status = c.verdict() == Verdict.REGRESSION ? GateResult.Status.REGRESSION
        : !candidate.complete() ? GateResult.Status.INCOMPLETE : GateResult.Status.PASSED;
    return new GateResult(status, c, report, message);
  }

  /** Builds a {@link QualityGate}. Not thread-safe. */
  public static final class Builder {
    private final Path baseline;
    private GatePolicy policy = GatePolicy.defaults();
    private Path reportDirectory = Path.of("target", "llmops-eval");
    private String reportName = "report";
    private boolean updateBaseline;
    private @Nullable JudgeCalibration calibration;

    private Builder(Path baseline) {
      this.baseline = Objects.requireNonNull(baseline, "baseline");
    }

    /** The thresholds (default {@link GatePolicy#defaults()}). */
    public Builder policy(GatePolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Where the reports go (default {@code target/llmops-eval}) and their base name (default {@code report}). */
    public Builder reports(Path directory, String name) {
      this.reportDirectory = Objects.requireNonNull(directory, "directory");
      this.reportName = Objects.requireNonNull(name, "name");
      if (name.isBlank() || name.contains("/") || name.contains("\\")) {
        throw new IllegalArgumentException("report name must be a plain file name but was '" + name + "'");
      }
      return this;
    }

    /** Writes the run as the baseline instead of comparing (default: the system property {@value QualityGate#UPDATE_PROPERTY}). */
    public Builder updateBaseline(boolean update) {
      this.updateBaseline = update;
      return this;
    }

    /** A judge calibration to include in the reports. */
    public Builder calibration(JudgeCalibration calibration) {
      this.calibration = Objects.requireNonNull(calibration, "calibration");
      return this;
    }

    /** Builds the gate. */
    public QualityGate build() {
      return new QualityGate(this);
    }
  }
}
