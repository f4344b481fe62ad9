package dev.llmops.core.experiment;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.PromptRef;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One arm of an experiment: what a call assigned to it changes. A variant may aim the call at
 * another model endpoint, pin the prompt to a label or an exact version, and set generation
 * parameters; whatever it leaves null or unset stays as the request had it. Immutable.
 *
 * @param key the variant's name, unique within its experiment (for example {@code control})
 * @param model the model endpoint the call goes to, or null to keep the request's
 * @param promptLabel the prompt label to resolve (for example {@code candidate}), or null
 * @param promptVersion the exact prompt version to render, or null; wins over {@code promptLabel}
 * @param parameters generation parameters; each one set here replaces the request's
 */
public record Variant(
    String key,
    @Nullable String model,
    @Nullable String promptLabel,
    @Nullable Integer promptVersion,
    GenerationParameters parameters) {

  /** Checks the components. */
  public Variant {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(parameters, "parameters");
    if (key.isBlank()) {
      throw new IllegalArgumentException("variant key must not be blank");
    }
    if (promptVersion != null && promptVersion < 1) {
      throw new IllegalArgumentException("promptVersion must be >= 1 but was " + promptVersion);
    }
  }

  /** A variant that changes nothing (a plain control arm). */
  public static Variant of(String key) {
    return new Variant(key, null, null, null, GenerationParameters.DEFAULTS);
  }

  /** This variant aimed at model endpoint {@code model}. */
  public Variant withModel(String model) {
    return new Variant(key, Objects.requireNonNull(model, "model"), promptLabel, promptVersion, parameters);
  }

  /** This variant pinning the prompt to {@code label}. */
  public Variant withPromptLabel(String label) {
    return new Variant(key, model, Objects.requireNonNull(label, "label"), promptVersion, parameters);
  }

  /** This variant pinning the prompt to exact {@code version}. */
  public Variant withPromptVersion(int version) {
    return new Variant(key, model, promptLabel, version, parameters);
  }

  /** This variant with generation parameters. */
  public Variant withParameters(GenerationParameters parameters) {
    return new Variant(key, model, promptLabel, promptVersion, parameters);
  }

  /** {@code request} with this variant's model and parameters applied. */
  ChatRequest apply(ChatRequest request) {
    ChatRequest out = request;
    if (model != null && !model.equals(out.model())) {
      out = out.withModel(model);
    }
    if (!parameters.equals(GenerationParameters.DEFAULTS)) {
      out = out.withParameters(out.parameters().overriddenBy(parameters));
    }
    return out;
  }

  /** {@code ref} re-pointed at this variant's prompt label or version. */
  PromptRef apply(PromptRef ref) {
    if (promptVersion != null) {
      return ref.withVersion(promptVersion);
    }
    if (promptLabel != null) {
      return ref.withLabel(promptLabel);
    }
    return ref;
  }
}
