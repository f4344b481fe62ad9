package dev.llmops.eval.monitor;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A window drifted from its reference: both the PSI and the chi-square test over the same bins say
 * so. Immutable.
 *
 * @param key the monitored slice
 * @param signal the quantity
 * @param psi the population stability index of the current window against the reference
 * @param pValue the chi-square two-sample test's p-value
 * @param referenceCount calls in the reference window
 * @param currentCount calls in the current window
 * @param modelChange the last model change on this slice's model since the reference was taken
 *     (the window then compares after with before), or null
 * @param at when the check ran
 */
public record DriftEvent(
    MonitorKey key,
    Signal signal,
    double psi,
    double pValue,
    long referenceCount,
    long currentCount,
    @Nullable ModelChange modelChange,
    Instant at) {

  /** Checks the components. */
  public DriftEvent {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(at, "at");
  }
}
