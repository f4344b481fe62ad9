package dev.llmops.eval.monitor;

import dev.llmops.api.CallInfo;
import dev.llmops.api.Fingerprint;
import java.util.Objects;

/**
 * What a monitor keeps windows apart by: the feature, the prompt version, the model endpoint asked
 * for, and the experiment variant. Empty strings where a call has none. Immutable.
 *
 * @param feature the call context's feature
 * @param prompt the prompt as {@code name@version}
 * @param model the model endpoint the call named (empty for a call left to the client's default)
 * @param variant the experiment variant as {@code experiment:variant}
 */
public record MonitorKey(String feature, String prompt, String model, String variant) {

  /** Checks the components. */
  public MonitorKey {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(variant, "variant");
  }

  /** The key of a call, from its context and fingerprint. */
  public static MonitorKey of(CallInfo call) {
    Fingerprint f = call.attributes().getOrNull(Fingerprint.KEY);
    String feature = call.context().feature();
    String model = f != null && f.model() != null ? f.model() : call.originalRequest().model();
    return new MonitorKey(
        feature == null ? "" : feature,
        f == null || f.promptName() == null ? "" : f.promptName() + "@" + f.promptVersion(),
        model == null ? "" : model,
        f == null || f.experimentKey() == null ? "" : f.experimentKey() + ":" + f.variant());
  }
}
