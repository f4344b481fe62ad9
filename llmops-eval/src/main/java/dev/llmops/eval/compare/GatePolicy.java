package dev.llmops.eval.compare;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The thresholds a comparison's verdict is decided by. The candidate is a {@link
 * Verdict#REGRESSION} if any of these holds:
 *
 * <ul>
 *   <li>its paired pass rate is lower by more than {@link #maxPassRateDrop()} percentage points and
 *       the exact McNemar p-value is below {@link #alpha()};
 *   <li>a case with one of the {@link #criticalTags()} passed in the baseline and fails now;
 *   <li>with {@link #maxMeanScoreDrop()} set: the whole bootstrap interval of the mean score
 *       difference lies below minus that drop.
 * </ul>
 *
 * It is an {@link Verdict#IMPROVEMENT} if, symmetrically, the pass rate is higher by more than the
 * same points with p below alpha (or the score interval lies above plus the drop), and no critical
 * case newly fails; otherwise {@link Verdict#NO_SIGNIFICANT_CHANGE}. Immutable.
 *
 * @param maxPassRateDrop the largest pass-rate drop tolerated, in percentage points (default 2)
 * @param alpha the significance level (default 0.05)
 * @param criticalTags tags of cases that must never newly fail (default {@code critical})
 * @param maxMeanScoreDrop the largest mean-score drop tolerated, in score units, or null to not
 *     gate on scores (default)
 * @param bootstrapResamples resamples of the paired bootstrap (default 10,000)
 * @param bootstrapSeed the bootstrap's seed (default 1), so a comparison is repeatable
 * @param confidence the level of every interval (default 0.95)
 */
public record GatePolicy(
    double maxPassRateDrop,
    double alpha,
    Set<String> criticalTags,
    @Nullable Double maxMeanScoreDrop,
    int bootstrapResamples,
    long bootstrapSeed,
    double confidence) {

  /** Checks the components. */
  public GatePolicy {
    if (!(maxPassRateDrop >= 0 && maxPassRateDrop <= 100)) {
      throw new IllegalArgumentException("maxPassRateDrop must be in [0, 100] points but was " + maxPassRateDrop);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1) but was " + alpha);
    }
    criticalTags = Set.copyOf(new TreeSet<>(criticalTags));
    if (maxMeanScoreDrop != null && !(maxMeanScoreDrop >= 0 && maxMeanScoreDrop <= 1)) {
      throw new IllegalArgumentException("maxMeanScoreDrop must be in [0, 1] but was " + maxMeanScoreDrop);
    }
    if (bootstrapResamples < 100) {
      throw new IllegalArgumentException("bootstrapResamples must be >= 100 but was " + bootstrapResamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1) but was " + confidence);
    }
  }

  /** The defaults: block on a drop of more than 2 points with p {@literal <} 0.05, or a new failure tagged {@code critical}. */
  public static GatePolicy defaults() {
    return new GatePolicy(2, 0.05, Set.of("critical"), null, 10_000, 1, 0.95);
  }

  /** This policy with another pass-rate threshold, in percentage points. */
  public GatePolicy withMaxPassRateDrop(double points) {
    return new GatePolicy(points, alpha, criticalTags, maxMeanScoreDrop, bootstrapResamples, bootstrapSeed, confidence);
  }

  /** This policy with another significance level. */
  public GatePolicy withAlpha(double alpha) {
    return new GatePolicy(maxPassRateDrop, alpha, criticalTags, maxMeanScoreDrop, bootstrapResamples, bootstrapSeed, confidence);
  }

  /** This policy with other critical tags. */
  public GatePolicy withCriticalTags(Set<String> tags) {
    return new GatePolicy(maxPassRateDrop, alpha, Objects.requireNonNull(tags, "tags"), maxMeanScoreDrop,
        bootstrapResamples, bootstrapSeed, confidence);
  }

  /** This policy also gating on the mean score. */
  public GatePolicy withMaxMeanScoreDrop(double drop) {
    return new GatePolicy(maxPassRateDrop, alpha, criticalTags, drop, bootstrapResamples, bootstrapSeed, confidence);
  }

  /** This policy with another bootstrap size and seed. */
  public GatePolicy withBootstrap(int resamples, long seed) {
    return new GatePolicy(maxPassRateDrop, alpha, criticalTags, maxMeanScoreDrop, resamples, seed, confidence);
  }

  /** The policy in words, for reports. */
  public String describe() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "regression if the pass rate drops by more than %.1f points with exact McNemar p < %s", maxPassRateDrop, alpha));
    if (!criticalTags.isEmpty()) {
      sb.append(", or a case tagged ").append(String.join("/", new TreeSet<>(criticalTags))).append(" newly fails");
    }
    if (maxMeanScoreDrop != null) {
      sb.append(String.format(Locale.ROOT, ", or the mean score's %.0f %% bootstrap interval lies below -%.3f",
          confidence * 100, maxMeanScoreDrop));
    }
    return sb.toString();
  }
}
