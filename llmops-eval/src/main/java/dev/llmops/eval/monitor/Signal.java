package dev.llmops.eval.monitor;

/**
 * A quantity a {@link DriftMonitor} keeps distributions of, and how it is binned. Numeric signals
 * use half-octave bins ({@code [0,1)}, then {@code [2^(k/2), 2^((k+1)/2))}), so 48 counters
 * cover up to about 16 million with a relative width of 41 %; scores use ten equal bins over
 * {@code [0, 1]}; categorical ones one bin per category. Bins are plain counters, so windows of
 * several replicas merge by addition.
 */
public enum Signal {
  /** Call latency in milliseconds, on the monitor's clock. */
  LATENCY_MS(48),
  /** Input tokens of the answering attempt. */
  INPUT_TOKENS(48),
  /** Output tokens of the answering attempt. */
  OUTPUT_TOKENS(48),
  /** The call's cost in micro-dollars. */
  COST_MICRO_USD(48),
  /** The finish reason: one bin per {@link dev.llmops.api.FinishReason}, then one for failed calls. */
  OUTCOME(16),
  /** Evaluator scores and numeric feedback, in {@code [0, 1]}. */
  SCORE(10);

  private final int bins;

  Signal(int bins) {
    this.bins = bins;
  }

  /** How many bins. */
  public int bins() {
    return bins;
  }

  /** The bin of {@code value} (for {@link #OUTCOME}, the category's index). */
  int bin(double value) {
    return switch (this) {
      case SCORE -> Math.min(bins - 1, (int) (Math.max(0, Math.min(1, value)) * bins));
      case OUTCOME -> Math.max(0, Math.min(bins - 1, (int) value));
      default -> value >= 1 ? Math.min(bins - 1, 1 + (int) Math.floor(2 * Math.log(value) / Math.log(2))) : 0;
    };
  }
}
