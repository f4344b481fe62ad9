package dev.llmops.core.experiment;

import dev.llmops.api.CallInfo;
import org.jspecify.annotations.Nullable;

/**
 * Lets another system (a feature-flag platform, see the {@code llmops-openfeature} module) choose a
 * subject's variant. Consulted for running experiments after the kill switch, the override and
 * forced variants, and before GrowthBook hashing; returning null, or a key the experiment does
 * not have, leaves the choice to hashing.
 *
 * <p>Called on the call's thread for every matching call: implementations must be thread-safe,
 * fast, and must not block or throw (a throw is caught, logged once and counted; hashing decides).
 */
@FunctionalInterface
public interface VariantSource {

  /** A source that never decides. */
  static VariantSource none() {
    return (experiment, subject, call) -> null;
  }

  /**
   * The variant key for {@code subject} in {@code experiment}, or null to let hashing decide.
   *
   * @param experiment the experiment being assigned
   * @param subject the value of the experiment's hash attribute for this call
   * @param call the call, for its context and attributes
   */
  @Nullable String variant(Experiment experiment, String subject, CallInfo call);
}
