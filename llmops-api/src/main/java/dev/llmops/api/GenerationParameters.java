package dev.llmops.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Sampling and length parameters of a chat request. A null component means "not set": the
 * provider's default applies and nothing is sent. Immutable and thread-safe.
 *
 * @param temperature sampling temperature, {@code 0..2}; 0 makes a request deterministic for the
 *     response cache
 * @param topP nucleus sampling mass, {@code (0..1]}
 * @param maxOutputTokens the most output tokens the model may produce, {@code >= 1}; budgets
 *     reserve against it
 * @param stopSequences sequences that end the output; empty when none
 * @param seed the provider's sampling seed, where supported
 * @param presencePenalty OpenAI-style presence penalty, {@code -2..2}
 * @param frequencyPenalty OpenAI-style frequency penalty, {@code -2..2}
 */
public record GenerationParameters(
    @Nullable Double temperature,
    @Nullable Double topP,
    @Nullable Integer maxOutputTokens,
    List<String> stopSequences,
    @Nullable Long seed,
    @Nullable Double presencePenalty,
    @Nullable Double frequencyPenalty) {

  /** Nothing set. */
  public static final GenerationParameters DEFAULTS =
      new GenerationParameters(null, null, null, List.of(), null, null, null);

  /** Checks the ranges of the class comment and copies the list. */
  public GenerationParameters {
    stopSequences = List.copyOf(stopSequences);
    if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException("temperature must be in [0, 2] but was " + temperature);
    }
    if (topP != null && !(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1] but was " + topP);
    }
    if (maxOutputTokens != null && maxOutputTokens < 1) {
      throw new IllegalArgumentException("maxOutputTokens must be >= 1 but was " + maxOutputTokens);
    }
    checkPenalty(presencePenalty, "presencePenalty");
    checkPenalty(frequencyPenalty, "frequencyPenalty");
  }

  /** A builder starting from nothing set. */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** A builder starting from these parameters. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * These parameters with every component that {@code overrides} sets taken from it; used when a
   * prompt version or an experiment variant supplies defaults that a request may override.
   */
  public GenerationParameters overriddenBy(GenerationParameters overrides) {
    // The usual cases build nothing: all defaults kept, or every set default overridden.
    if (covers(this, overrides)) {
      return overrides;
    }
    if (covers(overrides, DEFAULTS)) {
      return this; // overrides sets nothing
    }
    return new GenerationParameters(
        overrides.temperature != null ? overrides.temperature : temperature,
        overrides.topP != null ? overrides.topP : topP,
        overrides.maxOutputTokens != null ? overrides.maxOutputTokens : maxOutputTokens,
        overrides.stopSequences.isEmpty() ? stopSequences : overrides.stopSequences,
        overrides.seed != null ? overrides.seed : seed,
        overrides.presencePenalty != null ? overrides.presencePenalty : presencePenalty,
        overrides.frequencyPenalty != null ? overrides.frequencyPenalty : frequencyPenalty);
  }

  /** True when {@code over} sets every component {@code base} sets. */
  private static boolean covers(GenerationParameters base, GenerationParameters over) {
    return (base.temperature == null || over.temperature != null)
        && (base.topP == null || over.topP != null)
        && (base.maxOutputTokens == null || over.maxOutputTokens != null)
        && (base.stopSequences.isEmpty() || !over.stopSequences.isEmpty())
        && (base.seed == null || over.seed != null)
        && (base.presencePenalty == null || over.presencePenalty != null)
        && (base.frequencyPenalty == null || over.frequencyPenalty != null);
  }

  private static void checkPenalty(@Nullable Double value, String name) {
    if (value != null && !(value >= -2 && value <= 2)) {
      throw new IllegalArgumentException(name + " must be in [-2, 2] but was " + value);
    }
  }

  /** Builds {@link GenerationParameters}; ranges are checked by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Double temperature;
    private @Nullable Double topP;
    private @Nullable Integer maxOutputTokens;
    private List<String> stopSequences;
    private @Nullable Long seed;
    private @Nullable Double presencePenalty;
    private @Nullable Double frequencyPenalty;

    private Builder(GenerationParameters from) {
      this.temperature = from.temperature;
      this.topP = from.topP;
      this.maxOutputTokens = from.maxOutputTokens;
      this.stopSequences = from.stopSequences;
      this.seed = from.seed;
      this.presencePenalty = from.presencePenalty;
      this.frequencyPenalty = from.frequencyPenalty;
    }

    /** Sets the temperature, or clears it with null. */
    public Builder temperature(@Nullable Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /** Sets top-p, or clears it with null. */
    public Builder topP(@Nullable Double topP) {
      this.topP = topP;
      return this;
    }

    /** Sets the output token limit, or clears it with null. */
    public Builder maxOutputTokens(@Nullable Integer maxOutputTokens) {
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    /** Sets the stop sequences. */
    public Builder stopSequences(List<String> stopSequences) {
      this.stopSequences = List.copyOf(Objects.requireNonNull(stopSequences, "stopSequences"));
      return this;
    }

    /** Sets the sampling seed, or clears it with null. */
    public Builder seed(@Nullable Long seed) {
      this.seed = seed;
      return this;
    }

    /** Sets the presence penalty, or clears it with null. */
    public Builder presencePenalty(@Nullable Double presencePenalty) {
      this.presencePenalty = presencePenalty;
      return this;
    }

    /** Sets the frequency penalty, or clears it with null. */
    public Builder frequencyPenalty(@Nullable Double frequencyPenalty) {
      this.frequencyPenalty = frequencyPenalty;
      return this;
    }

    /**
     * Builds the parameters.
     *
     * @throws IllegalArgumentException if a value is out of its range
     */
    public GenerationParameters build() {
      return new GenerationParameters(
          temperature, topP, maxOutputTokens, stopSequences, seed, presencePenalty, frequencyPenalty);
    }
  }
}
