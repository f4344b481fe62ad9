package dev.llmops.core.experiment;

import dev.llmops.api.GenerationParameters;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A stable hex hash of generation parameters, for a {@link dev.llmops.api.Fingerprint}. */
final class ParametersHash {
  private ParametersHash() {}

  /** The first 16 hex digits of the SHA-256 of a canonical text of {@code p}. */
  static String of(GenerationParameters p) {
    String canonical =
        "temperature=" + p.temperature() + ";topP=" + p.topP() + ";maxOutputTokens=" + p.maxOutputTokens()
            + ";stop=" + p.stopSequences() + ";seed=" + p.seed() + ";presencePenalty=" + p.presencePenalty()
            + ";frequencyPenalty=" + p.frequencyPenalty();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
