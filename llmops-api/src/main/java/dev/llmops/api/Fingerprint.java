package dev.llmops.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 * @param served the concrete model that answered, as the provider named it (OpenAI's dated {@code
 *     model}, Anthropic's model id), followed by {@code /} and OpenAI's {@code system_fingerprint}
 *     when it gave one; recorded when the call ends, null before (and for a failed call): what an
 *     alias pointed at, so that calls before and after a silent model change tell apart
 */
public record Fingerprint(
    @Nullable String promptName,
    int promptVersion,
    @Nullable String contentHash,
    @Nullable String model,
    String parametersHash,
    @Nullable String experimentKey,
    @Nullable String variant,
    @Nullable String dataset,
    @Nullable String served) {

  /** The call attribute that carries the fingerprint. */
  public static final AttributeKey<Fingerprint> KEY = AttributeKey.of("llmops.fingerprint", Fingerprint.class);

  /** A fingerprint of a call not answered yet ({@code served} null). */
  public Fingerprint(
      @Nullable String promptName,
      int promptVersion,
      @Nullable String contentHash,
      @Nullable String model,
      String parametersHash,
      @Nullable String experimentKey,
      @Nullable String variant,
      @Nullable String dataset) {
    this(promptName, promptVersion, contentHash, model, parametersHash, experimentKey, variant, dataset, null);
  }

  /** A fingerprint of a call made outside any evaluation and not answered yet ({@code dataset} and {@code served} null). */
  public Fingerprint(
      @Nullable String promptName,
      int promptVersion,
      @Nullable String contentHash,
      @Nullable String model,
      String parametersHash,
      @Nullable String experimentKey,
      @Nullable String variant) {
    this(promptName, promptVersion, contentHash, model, parametersHash, experimentKey, variant, null, null);
  }

  /** Checks the components. */
  public Fingerprint {
    Objects.requireNonNull(parametersHash, "parametersHash");
    if (promptVersion < 0) {
      throw new IllegalArgumentException("promptVersion must be >= 0 but was " + promptVersion);
    }
  }

  /**
   * The {@code parametersHash} of {@code parameters}: SHA-256 (lower-case hex) of a canonical text
   * of every component (keys in alphabetical order, absent values written as {@code null}, strings
   * quoted and escaped), the same in every JVM and for every step that records a fingerprint.
   * Computed on each call. Thread-safe.
   */
  public static String hashParameters(GenerationParameters parameters) {
    GenerationParameters p = Objects.requireNonNull(parameters, "parameters");
    StringBuilder sb = new StringBuilder(160).append('{');
    field(sb, "frequencyPenalty", p.frequencyPenalty());
    field(sb, "maxOutputTokens", p.maxOutputTokens());
    field(sb, "presencePenalty", p.presencePenalty());
    field(sb, "seed", p.seed());
    sb.append("\"stopSequences\":[");
    for (int i = 0; i < p.stopSequences().size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      quote(sb, p.stopSequences().get(i));
    }
    sb.append("],");
    field(sb, "temperature", p.temperature());
    sb.append("\"topP\":").append(p.topP()).append('}');
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static void field(StringBuilder sb, String name, @Nullable Object value) {
    sb.append('"').append(name).append("\":").append(value).append(',');
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  /** This fingerprint with the experiment and variant set. */
  public Fingerprint withVariant(String experimentKey, String variant) {
    return new Fingerprint(
        promptName, promptVersion, contentHash, model, parametersHash,
        Objects.requireNonNull(experimentKey, "experimentKey"), Objects.requireNonNull(variant, "variant"), dataset,
        served);
  }

  /** This fingerprint with the evaluation dataset set ({@code name@version}). */
  public Fingerprint withDataset(String dataset) {
    return new Fingerprint(
        promptName, promptVersion, contentHash, model, parametersHash, experimentKey, variant,
        Objects.requireNonNull(dataset, "dataset"), served);
  }

  /**
   * This fingerprint with the model that answered: {@code servedModel}, or {@code
   * servedModel/systemFingerprint} when the provider gave a system fingerprint.
   */
  public Fingerprint withServed(String servedModel, @Nullable String systemFingerprint) {
    Objects.requireNonNull(servedModel, "servedModel");
    String s = systemFingerprint == null || systemFingerprint.isEmpty()
        ? servedModel
        : servedModel + "/" + systemFingerprint;
    return new Fingerprint(
        promptName, promptVersion, contentHash, model, parametersHash, experimentKey, variant, dataset, s);
  }
}
