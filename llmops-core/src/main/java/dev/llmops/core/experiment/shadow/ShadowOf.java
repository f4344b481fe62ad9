package dev.llmops.core.experiment.shadow;

import dev.llmops.api.AttributeKey;
import java.util.Objects;

/**
 * Marks a call as the shadow copy of a user's call: its {@link #KEY} attribute, beside the context
 * tag {@link dev.llmops.core.experiment.Experiments#SHADOW_TAG}{@code =true}. Accounting, budgets and telemetry read either
 * to keep shadow traffic apart. Immutable.
 *
 * @param primaryCallId the id of the user's call that was copied
 * @param experimentKey the experiment whose shadow traffic this is
 * @param variant the candidate variant the copy runs
 */
public record ShadowOf(String primaryCallId, String experimentKey, String variant) {

  /** The call attribute that marks a shadow call. */
  public static final AttributeKey<ShadowOf> KEY = AttributeKey.of("llmops.experiment.shadow_of", ShadowOf.class);

  /** Checks the components. */
  public ShadowOf {
    Objects.requireNonNull(primaryCallId, "primaryCallId");
    Objects.requireNonNull(experimentKey, "experimentKey");
    Objects.requireNonNull(variant, "variant");
  }
}
