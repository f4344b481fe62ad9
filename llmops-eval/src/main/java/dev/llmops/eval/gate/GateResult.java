package dev.llmops.eval.gate;

import dev.llmops.eval.compare.Comparison;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link QualityGate} decided. Immutable.
 *
 * @param status the decision
 * @param comparison the comparison with the baseline, or null when there was none to compare with
 * @param report the HTML report written, or null
 * @param message a readable account (the comparison's summary, or what to do)
 */
public record GateResult(Status status, @Nullable Comparison comparison, @Nullable Path report, String message) {

  /** A gate's decision, with the exit code the command line returns for it. */
  public enum Status {
    /** No regression (no significant change, or an improvement): exit code 0. */
    PASSED(0),
    /** The baseline file was (re)written from this run, on request: exit code 0. */
    BASELINE_WRITTEN(0),
    /** The candidate regressed: exit code 1. */
    REGRESSION(1),
    /** No baseline file to compare with: exit code 2. */
    NO_BASELINE(2),
    /** The candidate's run is incomplete (its budget ran out): exit code 3. */
    INCOMPLETE(3);

    private final int exitCode;

    Status(int exitCode) {
      this.exitCode = exitCode;
    }

    /** The command line's exit code for this status. */
    public int exitCode() {
      return exitCode;
    }
  }

  /** Checks the components. */
  public GateResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
  }

  /** True when the gate blocks: regression, incomplete run, or no baseline. */
  public boolean failed() {
    return status.exitCode() != 0;
  }
}
