package dev.llmops.core.experiment;

import dev.llmops.api.GenerationParameters;
import java.util.HexFormat;

/**
 * A stable hex hash of generation parameters, for a {@link dev.llmops.api.Fingerprint}: 64-bit
 * FNV-1a over a canonical text of every component. Calls mostly reuse one parameter set, so the
 * last result is kept. Thread-safe.
 */
final class ParametersHash {
  private static final long FNV64_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV64_PRIME = 0x100000001b3L;

  private record Memo(GenerationParameters parameters, String hash) {}

  private static volatile Memo last = new Memo(GenerationParameters.DEFAULTS, compute(GenerationParameters.DEFAULTS));

  private ParametersHash() {}

  /** 16 hex digits identifying {@code p}; equal parameters give equal hashes in every JVM. */
  static String of(GenerationParameters p) {
    Memo memo = last;
    if (memo.parameters().equals(p)) {
      return memo.hash();
    }
    String hash = compute(p);
    last = new Memo(p, hash);
    return hash;
  }

  private static String compute(GenerationParameters p) {
    String canonical =
        "temperature=" + p.temperature() + ";topP=" + p.topP() + ";maxOutputTokens=" + p.maxOutputTokens()
            + ";stop=" + p.stopSequences() + ";seed=" + p.seed() + ";presencePenalty=" + p.presencePenalty()
            + ";frequencyPenalty=" + p.frequencyPenalty();
    long h = FNV64_OFFSET;
    for (int i = 0; i < canonical.length(); i++) {
      h ^= canonical.charAt(i);
      h *= FNV64_PRIME;
    }
    return HexFormat.of().toHexDigits(h);
  }
}
