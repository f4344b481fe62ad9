package dev.llmops.eval.monitor;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A full window compared with its reference. It {@linkplain #drifted() drifted} when the PSI
 * reached the monitor's threshold <em>and</em> the two-sample test rejected at its {@code alpha}:
 * the Kolmogorov–Smirnov test for a {@linkplain Signal#sketched() numeric} signal, the chi-square
 * test over the categories otherwise. {@link DriftMonitor#check()} and its listeners get the
 * drifted ones; comparison listeners get all. Immutable.
 *
 * @param key the monitored slice
 * @param signal the quantity
 * @param psi the population stability index of the current window against the reference (numeric
 *     signals: over ten bins cut at the reference's deciles)
 * @param pValue the two-sample test's p-value
 * @param referenceCount values in the reference window
 * @param currentCount values in the current window
 * @param drifted whether both the PSI and the test said so
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
    boolean drifted,
    @Nullable ModelChange modelChange,
    Instant at) {

  /** Checks the components. */
  public DriftEvent {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(at, "at");
  }

  /** The two-sample test behind {@link #pValue()}: {@code "kolmogorov-smirnov"} or {@code "chi-square"}. */
  public String test() {
    return signal.sketched() ? "kolmogorov-smirnov" : "chi-square";
  }
}
