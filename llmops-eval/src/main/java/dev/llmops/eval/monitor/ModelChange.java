package dev.llmops.eval.monitor;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The model served behind an endpoint changed: the provider answered with another concrete
 * snapshot (OpenAI's dated {@code model} or {@code system_fingerprint}, Anthropic's model id) than
 * before, though the request did not change. Immutable.
 *
 * @param endpoint the client's endpoint name
 * @param requestedModel the model id the endpoint asks for (often an alias)
 * @param before what was served before: model, then {@code /} and the system fingerprint if any
 * @param after what is served now, in the same form
 * @param at when the first answer from the new model ended, on the detector's clock
 */
public record ModelChange(String endpoint, String requestedModel, String before, String after, Instant at) {

  /** The audit action of a model change. */
  public static final String AUDIT_ACTION = "model.served.changed";

  /** Checks the components. */
  public ModelChange {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(requestedModel, "requestedModel");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(at, "at");
  }

  static String served(String model, @Nullable String fingerprint) {
    return fingerprint == null || fingerprint.isEmpty() ? model : model + "/" + fingerprint;
  }
}
