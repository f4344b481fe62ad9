package dev.llmops.core.experiment;

import dev.llmops.api.AttributeKey;
import java.util.Objects;

/**
 * Which variant of which experiment a call was given, and why. Recorded as the call's {@link #KEY}
 * attribute and in its {@link dev.llmops.api.Fingerprint}, and published as an {@link
 * ExposureEvent}. Immutable.
 *
 * <p>Only assignments with reason {@link Reason#HASHED} (or {@link Reason#SOURCE}, when a flag
 * platform randomises) belong in an experiment's analysis; the others are operator decisions.
 *
 * @param experimentKey the experiment
 * @param variant the variant's key
 * @param variantIndex the variant's position in the experiment (0 is control)
 * @param reason why this variant
 * @param bucket the subject's GrowthBook bucket in {@code [0, 1)} when {@code reason} is {@link
 *     Reason#HASHED}, otherwise {@link Double#NaN}
 */
public record Assignment(String experimentKey, String variant, int variantIndex, Reason reason, double bucket) {

  /** The call attribute that carries the assignment. */
  public static final AttributeKey<Assignment> KEY =
      AttributeKey.of("llmops.experiment.assignment", Assignment.class);

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
    /** The subject is forced to a variant (QA). */
    FORCED,
    /** A {@link VariantSource} (a feature-flag platform) chose the variant. */
    SOURCE,
    /** GrowthBook hashing of the subject chose the variant. */
    HASHED
  }
}
