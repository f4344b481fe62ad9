package dev.llmops.core.prompt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.llmops.api.GenerationParameters;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The canonical form of a prompt version's content and of generation parameters: compact JSON
 * with keys in a fixed order, unset parameters left out and numbers in their shortest plain
 * decimal form, so that equal content always hashes the same.
 */
final class Canonical {
  private static final JsonFactory JSON = new JsonFactory();

  private Canonical() {}

  /** The canonical JSON of a version's content: messages, model, parameters (not metadata). */
  static String content(List<PromptVersion.MessageTemplate> messages, @Nullable String model, GenerationParameters parameters) {
    return write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("messages");
      for (PromptVersion.MessageTemplate m : messages) {
        g.writeStartObject();
        g.writeStringField("role", m.role().name().toLowerCase(java.util.Locale.ROOT));
        g.writeStringField("content", m.template());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (model != null) {
        g.writeStringField("model", model);
      }
      g.writeFieldName("parameters");
      parameters(g, parameters);
      g.writeEndObject();
    });
  }

  /** SHA-256 of the UTF-8 bytes of {@code canonical}, as lower-case hex. */
  static String sha256(String canonical) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static void parameters(JsonGenerator g, GenerationParameters p) throws IOException {
    // Alphabetical order, so the form does not depend on the record's component order.
    g.writeStartObject();
    number(g, "frequencyPenalty", p.frequencyPenalty());
    if (p.maxOutputTokens() != null) {
      g.writeNumberField("maxOutputTokens", p.maxOutputTokens());
    }
    number(g, "presencePenalty", p.presencePenalty());
    if (p.seed() != null) {
      g.writeNumberField("seed", p.seed());
    }
    if (!p.stopSequences().isEmpty()) {
      g.writeArrayFieldStart("stopSequences");
      for (String s : p.stopSequences()) {
        g.writeString(s);
      }
      g.writeEndArray();
    }
    number(g, "temperature", p.temperature());
    number(g, "topP", p.topP());
    g.writeEndObject();
  }

  private static void number(JsonGenerator g, String field, @Nullable Double value) throws IOException {
    if (value != null) {
      g.writeFieldName(field);
      g.writeNumber(plain(value));
    }
  }

  /** {@code 1.0} and {@code 1} both become {@code 1}; {@code 0.20} becomes {@code 0.2}. */
  static String plain(double value) {
    BigDecimal d = new BigDecimal(Double.toString(value)).stripTrailingZeros();
    return d.signum() == 0 ? "0" : d.toPlainString();
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Body body) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
