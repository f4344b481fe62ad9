package dev.llmops.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything needed to reproduce a call: the pinned prompt version and its content hash, the model
 * endpoint, a hash of the generation parameters, the experiment variant, and the evaluation
 * dataset the call was made for. Recorded as the call's {@link #KEY} attribute by the prompt and
 * experiment steps (an evaluation runner records one with the dataset before the call starts, and
 * the steps keep its dataset), exposed on the {@link Completion} and to listeners. Immutable.
 *
 * @param promptName the prompt's name, or null for a plain chat request
 * @param promptVersion the pinned version, or 0 for a plain chat request
 * @param contentHash the prompt version's content hash (hex), or null
 * @param model the model endpoint the call was aimed at, or null for the default
 * @param parametersHash a hash (hex) of the generation parameters as sent
 * @param experimentKey the experiment the call took part in, or null
 * @param variant the variant assigned, or null
 * @param dataset the evaluation dataset as {@code name@version} (its content hash) when the call
 *     was made while evaluating it, or null
 */
public record Fingerprint(
    @Nullable String promptName,
    int promptVersion,
    @Nullable String contentHash,
    @Nullable String model,
    String parametersHash,
    @Nullable String experimentKey,
    @Nullable String variant,
    @Nullable String dataset) {

  /** The call attribute that carries the fingerprint. */
  public static final AttributeKey<Fingerprint> KEY = AttributeKey.of("llmops.fingerprint", Fingerprint.class);

  /** A fingerprint of a call made outside any evaluation ({@code dataset} null). */
  public Fingerprint(
      @Nullable String promptName,
      int promptVersion,
      @Nullable String contentHash,
      @Nullable String model,
      String parametersHash,
      @Nullable String experimentKey,
      @Nullable String variant) {
    this(promptName, promptVersion, contentHash, model, parametersHash, experimentKey, variant, null);
  }

  /** Checks the components. */
  public Fingerprint {
    Objects.requireNonNull(parametersHash, "parametersHash");
    if (promptVersion < 0) {
      throw new IllegalArgumentException("promptVersion must be >= 0 but was " + promptVersion);
    }
  }

  /**
   * The {@code parametersHash} of {@code parameters}: SHA-256 (hex) of a canonical text of every
   * component, the same in every JVM and for every step that records a fingerprint. The last
   * result is memoised, since calls mostly reuse one parameter set. Thread-safe.
   */
  public static String hashParameters(GenerationParameters parameters) {
    ParametersMemo memo = ParametersMemo.last;
    if (memo.parameters().equals(parameters)) {
      return memo.hash();
    }
    String hash = ParametersMemo.compute(parameters);
    ParametersMemo.last = new ParametersMemo(parameters, hash);
    return hash;
  }

  /** This fingerprint with the experiment and variant set. */
  public Fingerprint withVariant(String experimentKey, String variant) {
    return new Fingerprint(
        promptName, promptVersion, contentHash, model, parametersHash,
        Objects.requireNonNull(experimentKey, "experimentKey"), Objects.requireNonNull(variant, "variant"), dataset);
  }

  /** This fingerprint with the evaluation dataset set ({@code name@version}). */
  public Fingerprint withDataset(String dataset) {
    return new Fingerprint(
        promptName, promptVersion, contentHash, model, parametersHash, experimentKey, variant,
        Objects.requireNonNull(dataset, "dataset"));
  }
}
