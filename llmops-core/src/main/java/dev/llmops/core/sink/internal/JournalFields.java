package dev.llmops.core.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Small helpers for {@link JournalCodec}s: build an object with its version, read required and
 * optional fields with errors that name the field. Stateless.
 */
public final class JournalFields {
  private JournalFields() {}

  /** A new object carrying {@code "v": version}. */
  public static ObjectNode object(int version) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("v", version);
    return n;
  }

  /**
   * Checks that {@code node} is an object of format {@code version}.
   *
   * @throws IllegalArgumentException if it is not an object or has another version
   */
  public static void requireVersion(JsonNode node, int version) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object but found " + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    JsonNode v = node.get("v");
    if (v == null || !v.canConvertToInt() || v.intValue() != version) {
      throw new IllegalArgumentException("field 'v': expected format version " + version + " but found " + v);
    }
  }

  /** A required nested object. */
  public static JsonNode child(JsonNode node, String field) {
    JsonNode c = node.get(field);
    if (c == null || !c.isObject()) {
      throw missing(field, "an object", c);
    }
    return c;
  }

  /** A required nested array. */
  public static JsonNode array(JsonNode node, String field) {
    JsonNode c = node.get(field);
    if (c == null || !c.isArray()) {
      throw missing(field, "an array", c);
    }
    return c;
  }

  /** A required string. */
  public static String text(JsonNode node, String field) {
    JsonNode c = node.get(field);
    if (c == null || !c.isTextual()) {
      throw missing(field, "a string", c);
    }
    return c.textValue();
  }

  /** A string that may be absent or null. */
  public static @Nullable String textOrNull(JsonNode node, String field) {
    JsonNode c = node.get(field);
    if (c == null || c.isNull()) {
      return null;
    }
    if (!c.isTextual()) {
      throw missing(field, "a string or null", c);
    }
    return c.textValue();
  }

  /** A required integer that fits a {@code long}. */
  public static long longValue(JsonNode node, String field) {
    JsonNode c = node.get(field);
    if (c == null || !c.isIntegralNumber() || !c.canConvertToLong()) {
      throw missing(field, "an integer", c);
    }
    return c.longValue();
  }

  /** A required integer that fits an {@code int}. */
  public static int intValue(JsonNode node, String field) {
    JsonNode c = node.get(field);
    if (c == null || !c.isIntegralNumber() || !c.canConvertToInt()) {
      throw missing(field, "a 32-bit integer", c);
    }
    return c.intValue();
  }

  /** A required boolean. */
  public static boolean bool(JsonNode node, String field) {
    JsonNode c = node.get(field);
    if (c == null || !c.isBoolean()) {
      throw missing(field, "true or false", c);
    }
    return c.booleanValue();
  }

  /** A required instant, written as ISO-8601 text. */
  public static Instant instant(JsonNode node, String field) {
    String s = text(node, field);
    try {
      return Instant.parse(s);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("field '" + field + "': not an ISO-8601 instant: " + s, e);
    }
  }

  /** An exact decimal, written as a string (never a binary floating-point number); null when absent or null. */
  public static @Nullable BigDecimal decimalOrNull(JsonNode node, String field) {
    String s = textOrNull(node, field);
    if (s == null) {
      return null;
    }
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("field '" + field + "': not a decimal: " + s, e);
    }
  }

  /** A required exact decimal. */
  public static BigDecimal decimal(JsonNode node, String field) {
    BigDecimal d = decimalOrNull(node, field);
    if (d == null) {
      throw missing(field, "a decimal string", node.get(field));
    }
    return d;
  }

  /** A required enum constant, written as its name. */
  public static <E extends Enum<E>> E choice(JsonNode node, String field, Class<E> type) {
    String s = text(node, field);
    try {
      return Enum.valueOf(type, s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field '" + field + "': not a " + type.getSimpleName() + ": " + s, e);
    }
  }

  private static IllegalArgumentException missing(String field, String expected, @Nullable JsonNode found) {
    String what = found == null ? "nothing" : found.getNodeType().name().toLowerCase(Locale.ROOT);
    return new IllegalArgumentException("field '" + field + "': expected " + expected + " but found " + what);
  }
}
