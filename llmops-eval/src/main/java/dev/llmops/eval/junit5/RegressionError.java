package dev.llmops.eval.junit5;

import dev.llmops.eval.gate.GateResult;
import java.util.Objects;

/**
 * The failure of a {@link GoldenDataset} test: a regression, an incomplete run, or no baseline.
 * Its message is the gate's readable account, listing the regressed cases.
 */
public final class RegressionError extends AssertionError {
  private static final long serialVersionUID = 1L;

  private final transient GateResult result;

  RegressionError(GateResult result) {
    super(Objects.requireNonNull(result, "result").message());
    this.result = result;
  }

  /** The gate's decision. */
  public GateResult result() {
    return result;
  }
}
