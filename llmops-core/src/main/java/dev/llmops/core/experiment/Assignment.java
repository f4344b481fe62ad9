package dev.llmops.core.experiment;

import dev.llmops.api.AttributeKey;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which variant of which experiment a call was given, and why. Recorded as the call's {@link #KEY}
 * attribute and in its {@link dev.llmops.api.Fingerprint}, and published as an {@link
 * ExposureEvent}. Immutable.
 *
 * <p>Only assignments with reason {@link Reason#HASHED} or {@link Reason#STICKY} (or {@link Reason#SOURCE}, when a flag
 * platform randomises) belong in an experiment's analysis; the others are operator decisions.
 *
 * @param experimentKey the experiment
 * @param variant the variant's key
 * @param variantIndex the variant's position in the experiment (0 is control)
 * @param reason why this variant
 * @param bucket the subject's GrowthBook bucket in {@code [0, 1)} when {@code reason} is {@link
 *     Reason#HASHED} or {@link Reason#STICKY}, otherwise {@link Double#NaN}
 * @param hashAttribute the attribute whose value was hashed (the fallback attribute when the hash
 *     attribute was missing) for {@link Reason#HASHED} and {@link Reason#STICKY}, otherwise null
 */
public record Assignment(
    String experimentKey, String variant, int variantIndex, Reason reason, double bucket,
    @Nullable String hashAttribute) {

  /** The call attribute that carries the assignment. */
  public static final AttributeKey<Assignment> KEY =
      AttributeKey.of("llmops.experiment.assignment", Assignment.class);

  /** An assignment that names no hash attribute. */
  public Assignment(String experimentKey, String variant, int variantIndex, Reason reason, double bucket) {
    this(experimentKey, variant, variantIndex, reason, bucket, null);
  }

  /** Checks the components. */
  public Assignment {
    Objects.requireNonNull(experimentKey, "experimentKey");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(reason, "reason");
    if (variantIndex < 0) {
      throw new IllegalArgumentException("variantIndex must be >= 0 but was " + variantIndex);
    }
  }

  /** Why a call got its variant, in the order the experiment step checks. */
  public enum Reason {
    /** The experiment is kill-switched: control for everyone. */
    KILLED,
    /** A global override (an incident switch) sends everyone to one variant. */
    OVERRIDE,
    /** The subject is forced to a variant (QA), by the experiment or the targeting context. */
    FORCED,
    /** A {@link VariantSource} (a feature-flag platform) chose the variant. */
    SOURCE,
    /** GrowthBook hashing of the subject chose the variant. */
    HASHED,
    /**
     * The subject kept the variant a {@link StickyBucketStore} remembered for it, whatever the
     * weights say now (GrowthBook's sticky bucketing).
     */
    STICKY,
    /**
     * The subject passed targeting and coverage, and the experiment sends every enrolled subject
     * to one variant ({@link Experiment.Builder#enrolledVariant}, GrowthBook's {@code force}).
     */
    ENROLLED
  }
}
