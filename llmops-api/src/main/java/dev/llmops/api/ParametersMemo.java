package dev.llmops.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/** The canonical parameters hash behind {@link Fingerprint#hashParameters}, with a one-entry memo. */
record ParametersMemo(GenerationParameters parameters, String hash) {
  static volatile ParametersMemo last =
      new ParametersMemo(GenerationParameters.DEFAULTS, compute(GenerationParameters.DEFAULTS));

  static String compute(GenerationParameters p) {
    // Alphabetical keys; absent values written as null; strings quoted and escaped: unambiguous.
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
}
