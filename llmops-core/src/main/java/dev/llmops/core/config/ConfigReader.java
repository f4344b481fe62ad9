package dev.llmops.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Money;
import dev.llmops.core.redaction.Redactor;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads typed values out of a configuration tree and collects every problem, each as {@code
 * <source>: <key.path>: <reason>}, instead of stopping at the first. Quoted values are cut short
 * and redacted, so a secret pasted into the wrong key does not end up in an exception.
 */
final class ConfigReader {
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern MONEY = Pattern.compile("([+-]?\\d+(?:\\.\\d+)?)\\s*([A-Za-z]{3})?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|KiB|MiB|GiB)?");
  private static final Pattern INTEGER_TEXT = Pattern.compile("[+-]?\\d{1,18}");
  private static final Pattern NUMBER_TEXT = Pattern.compile("[+-]?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");
  private static final Redactor QUOTE_REDACTOR = Redactor.defaults();

  private final String source;
  /** Booleans and numbers may be given as text (a tree from property sources). */
  private final boolean textScalars;
  private final List<String> problems = new ArrayList<>();

  ConfigReader(String source) {
    this(source, false);
  }

  ConfigReader(String source, boolean textScalars) {
    this.source = source;
    this.textScalars = textScalars;
  }

  /**
   * The scalar {@code n} stands for: itself, or (text scalars) the boolean or number its text
   * spells, so that property sources, which hold only text, read as a YAML file does.
   */
  private JsonNode scalar(JsonNode n) {
    if (!textScalars || !n.isTextual()) {
      return n;
    }
    String t = n.asText().trim();
    if (t.equals("true") || t.equals("false")) {
      return BooleanNode.valueOf(t.equals("true"));
    }
    try {
      if (INTEGER_TEXT.matcher(t).matches()) {
        return LongNode.valueOf(Long.parseLong(t));
      }
      if (NUMBER_TEXT.matcher(t).matches()) {
        return DoubleNode.valueOf(Double.parseDouble(t));
      }
    } catch (NumberFormatException e) {
      return n; // too long for a long: reported as text, not a whole number
    }
    return n;
  }

  String source() {
    return source;
  }

  List<String> problems() {
    return problems;
  }

  void problem(String path, String reason) {
    problems.add(source + ": " + path + ": " + reason);
  }

  /** Runs a builder setter; what it throws becomes a problem at {@code path}. */
  void apply(String path, Runnable setter) {
    try {
      setter.run();
    } catch (ConfigurationException e) {
      for (String p : e.problems()) {
        problem(path, p);
      }
    } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
      problem(path, String.valueOf(e.getMessage()));
    }
  }

  /** As {@link #apply}, returning what the supplier built, or null if it threw. */
  <T> @Nullable T build(String path, Supplier<T> supplier) {
    try {
      return supplier.get();
    } catch (ConfigurationException e) {
      for (String p : e.problems()) {
        problem(path, p);
      }
    } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
      problem(path, String.valueOf(e.getMessage()));
    }
    return null;
  }

  static String path(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  /** A value shown in an error: at most 40 characters, redacted. */
  static String quote(String value) {
    String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return "'" + QUOTE_REDACTOR.redact(cut) + "'";
  }

  /** Reports every key of {@code node} not in {@code allowed}. */
  void keys(JsonNode node, String path, Set<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        problem(path(path, name), "unknown key; allowed here: " + sorted(allowed));
      }
    }
  }

  private static List<String> sorted(Set<String> names) {
    List<String> list = new ArrayList<>(names);
    list.sort(null);
    return list;
  }

  /** True if {@code n} is a mapping (its unknown keys reported); a problem and false otherwise. */
  boolean mapping(JsonNode n, String path, Set<String> allowed) {
    if (!n.isObject()) {
      problem(path, "expected a mapping but found " + kind(n));
      return false;
    }
    keys(n, path, allowed);
    return true;
  }

  /** True if exactly one of keys {@code a} and {@code b} is set; a problem at {@code path} otherwise. */
  boolean exactlyOne(JsonNode n, String path, String a, String b) {
    boolean hasA = present(n, a) != null;
    boolean hasB = present(n, b) != null;
    if (hasA == hasB) {
      problem(path, (hasA ? "set only one of '" : "set one of '") + a + "' or '" + b + "'");
      return false;
    }
    return true;
  }

  /** The object at {@code key}, or null when absent; a problem if it is not an object. */
  @Nullable JsonNode object(JsonNode parent, String key, String path, Set<String> allowed) {
    JsonNode n = present(parent, key);
    if (n == null) {
      return null;
    }
    if (!n.isObject()) {
      problem(path, "expected a mapping of keys to values but found " + kind(n));
      return null;
    }
    keys(n, path, allowed);
    return n;
  }

  /** The list at {@code key} (empty when absent); a problem if it is not a list. */
  List<JsonNode> list(JsonNode parent, String key, String path) {
    JsonNode n = present(parent, key);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      problem(path, "expected a list but found " + kind(n));
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    n.forEach(out::add);
    return out;
  }

  /** The entries of the mapping at {@code key} (empty when absent), in file order. */
  Map<String, JsonNode> entries(JsonNode parent, String key, String path) {
    JsonNode n = present(parent, key);
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (n == null) {
      return out;
    }
    if (!n.isObject()) {
      problem(path, "expected a mapping but found " + kind(n));
      return out;
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  @Nullable String string(JsonNode parent, String key, String path) {
    JsonNode n = present(parent, key);
    if (n == null) {
      return null;
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      problem(path, n.isTextual() ? "must not be blank" : "expected text but found " + kind(n));
      return null;
    }
    return n.asText();
  }

  List<String> strings(JsonNode parent, String key, String path) {
    List<String> out = new ArrayList<>();
    List<JsonNode> items = list(parent, key, path);
    for (int i = 0; i < items.size(); i++) {
      JsonNode n = items.get(i);
      if (n.isTextual() && !n.asText().isBlank()) {
        out.add(n.asText());
      } else {
        problem(path + "[" + i + "]", "expected text but found " + kind(n));
      }
    }
    return out;
  }

  /** A mapping of text to text (headers, query parameters). */
  Map<String, String> stringMap(JsonNode parent, String key, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    entries(parent, key, path).forEach((k, v) -> {
      if (v.isTextual() || v.isNumber() || v.isBoolean()) {
        out.put(k, v.asText());
      } else {
        problem(path(path, k), "expected text but found " + kind(v));
      }
    });
    return out;
  }

  @Nullable Boolean bool(JsonNode parent, String key, String path) {
    JsonNode raw = present(parent, key);
    if (raw == null) {
      return null;
    }
    JsonNode n = scalar(raw);
    if (!n.isBoolean()) {
      problem(path, "expected true or false but found " + kind(n));
      return null;
    }
    return n.booleanValue();
  }

  boolean bool(JsonNode parent, String key, String path, boolean otherwise) {
    Boolean b = bool(parent, key, path);
    return b == null ? otherwise : b;
  }

  @Nullable Long integer(JsonNode parent, String key, String path, long min) {
    JsonNode raw = present(parent, key);
    if (raw == null) {
      return null;
    }
    JsonNode n = scalar(raw);
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      problem(path, "expected a whole number but found " + kind(n));
      return null;
    }
    long v = n.longValue();
    if (v < min) {
      problem(path, "must be >= " + min + " but was " + v);
      return null;
    }
    return v;
  }

  @Nullable Integer smallInteger(JsonNode parent, String key, String path, int min) {
    Long v = integer(parent, key, path, min);
    if (v != null && v > Integer.MAX_VALUE) {
      problem(path, "must be <= " + Integer.MAX_VALUE + " but was " + v);
      return null;
    }
    return v == null ? null : v.intValue();
  }

  /** A number in {@code [min, max]}: a share, a multiplier. Never used for money. */
  @Nullable Double number(JsonNode parent, String key, String path, double min, double max) {
    JsonNode raw = present(parent, key);
    if (raw == null) {
      return null;
    }
    JsonNode n = scalar(raw);
    if (!n.isNumber()) {
      problem(path, "expected a number but found " + kind(n));
      return null;
    }
    double v = n.doubleValue();
    if (!(v >= min && v <= max)) {
      problem(path, "must be in [" + min + ", " + max + "] but was " + v);
      return null;
    }
    return v;
  }

  /**
   * A duration: ISO-8601 ({@code PT30S}) or a whole number with a unit ({@code 200ms}, {@code 30s},
   * {@code 5m}, {@code 1h}, {@code 2d}).
   */
  @Nullable Duration duration(JsonNode parent, String key, String path) {
    JsonNode n = present(parent, key);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      problem(path, "expected a duration such as 200ms, 30s, 5m, 1h or PT30S but found " + kind(n)
          + (n.isNumber() ? " (give a unit)" : ""));
      return null;
    }
    Duration d = parseDuration(n.asText().trim());
    if (d == null) {
      problem(path, "not a duration: " + quote(n.asText()) + "; use 200ms, 30s, 5m, 1h, 2d or ISO-8601 such as PT30S");
      return null;
    }
    if (d.isNegative()) {
      problem(path, "must not be negative but was " + quote(n.asText()));
      return null;
    }
    return d;
  }

  static @Nullable Duration parseDuration(String text) {
    Matcher m = SHORT_DURATION.matcher(text);
    if (m.matches()) {
      long v;
      try {
        v = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        return null;
      }
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(v);
        case "s" -> Duration.ofSeconds(v);
        case "m" -> Duration.ofMinutes(v);
        case "h" -> Duration.ofHours(v);
        default -> Duration.ofDays(v);
      };
    }
    if (text.startsWith("P") || text.startsWith("p") || text.startsWith("-P")) {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * An amount of US dollars: a decimal string with its currency ({@code "50.00 USD"}) or a mapping
   * {@code {amount: "50.00", currency: USD}} (currency optional). Numbers are refused: a binary
   * floating-point number cannot hold most decimal amounts exactly.
   */
  @Nullable Money money(JsonNode parent, String key, String path) {
    JsonNode n = present(parent, key);
    if (n == null) {
      return null;
    }
    String amount;
    @Nullable String currency;
    if (n.isTextual()) {
      Matcher m = MONEY.matcher(n.asText().trim());
      if (!m.matches()) {
        problem(path, "not an amount of money: " + quote(n.asText()) + "; write it as \"50.00 USD\"");
        return null;
      }
      amount = m.group(1);
      currency = m.group(2);
      if (currency == null) {
        problem(path, "give the currency: \"" + amount + " USD\"");
        return null;
      }
    } else if (n.isObject()) {
      keys(n, path, Set.of("amount", "currency"));
      JsonNode a = n.get("amount");
      if (a == null || !a.isTextual()) {
        problem(path(path, "amount"), a == null ? "required" : "expected a decimal string such as \"50.00\" but found " + kind(a));
        return null;
      }
      amount = a.asText().trim();
      currency = string(n, "currency", path(path, "currency"));
      if (currency == null) {
        currency = "USD";
      }
    } else {
      problem(path, "expected an amount such as \"50.00 USD\" but found " + kind(n)
          + (n.isNumber() ? " (write money as a decimal string, never a floating-point number)" : ""));
      return null;
    }
    if (!currency.toUpperCase(Locale.ROOT).equals("USD")) {
      problem(path, "only USD is supported but the currency was " + quote(currency));
      return null;
    }
    BigDecimal value;
    try {
      value = new BigDecimal(amount);
    } catch (NumberFormatException e) {
      problem(path, "not a decimal amount: " + quote(amount));
      return null;
    }
    if (value.signum() < 0) {
      problem(path, "must not be negative but was " + amount);
      return null;
    }
    return Money.usd(value);
  }

  /** A price per million tokens as exact decimal text (a string, or a whole number). */
  @Nullable String decimal(JsonNode parent, String key, String path) {
    JsonNode n = present(parent, key);
    if (n == null) {
      return null;
    }
    if (n.isIntegralNumber()) {
      return n.asText();
    }
    if (!n.isTextual()) {
      problem(path, "expected a decimal string such as \"2.50\" but found " + kind(n)
          + (n.isNumber() ? " (quote prices: floating-point numbers are not exact)" : ""));
      return null;
    }
    try {
      BigDecimal v = new BigDecimal(n.asText().trim());
      if (v.signum() < 0) {
        problem(path, "must not be negative but was " + n.asText());
        return null;
      }
      return v.toPlainString();
    } catch (NumberFormatException e) {
      problem(path, "not a decimal number: " + quote(n.asText()));
      return null;
    }
  }

  /** A size in bytes: a whole number, or with a unit ({@code 8MiB}, {@code 500KB}). */
  @Nullable Long bytes(JsonNode parent, String key, String path) {
    JsonNode n = present(parent, key);
    if (n == null) {
      return null;
    }
    if (n.isIntegralNumber()) {
      return integer(parent, key, path, 1);
    }
    Matcher m = n.isTextual() ? SIZE.matcher(n.asText().trim()) : null;
    if (m == null || !m.matches()) {
      problem(path, "expected a size such as 8MiB, 500KB or a number of bytes but found "
          + (n.isTextual() ? quote(n.asText()) : kind(n)));
      return null;
    }
    long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
      case "KB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      case "GiB" -> 1L << 30;
      default -> 1L;
    };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException e) {
      problem(path, "too large: " + quote(n.asText()));
      return null;
    }
  }

  /** One of {@code values}, matched ignoring case, {@code -} and {@code _}. */
  <E extends Enum<E>> @Nullable E choice(JsonNode parent, String key, String path, Class<E> type) {
    String s = string(parent, key, path);
    return s == null ? null : choice(s, path, type);
  }

  <E extends Enum<E>> @Nullable E choice(String value, String path, Class<E> type) {
    String wanted = normalise(value);
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (normalise(e.name()).equals(wanted)) {
        return e;
      }
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    problem(path, "unknown value " + quote(value) + "; one of " + names);
    return null;
  }

  private static String normalise(String s) {
    return s.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  static @Nullable JsonNode present(JsonNode parent, String key) {
    JsonNode n = parent.get(key);
    return n == null || n.isNull() || n.isMissingNode() ? null : n;
  }

  static String kind(JsonNode n) {
    if (n.isTextual()) {
      return "text";
    }
    if (n.isIntegralNumber()) {
      return "a whole number";
    }
    if (n.isNumber()) {
      return "a decimal number";
    }
    if (n.isBoolean()) {
      return "true/false";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isObject()) {
      return "a mapping";
    }
    return n.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}
