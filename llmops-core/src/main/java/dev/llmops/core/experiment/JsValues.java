package dev.llmops.core.experiment;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JavaScript's value rules, as GrowthBook's reference SDK applies them to attribute values: what
 * {@code String(v)}, {@code Number(v)}, truthiness, {@code ===}, {@code <} and {@code
 * JSON.stringify} give for the JSON values a Java program holds ({@link Map}, {@link List}, {@link
 * String}, {@link Number}, {@link Boolean}, null). Targeting conditions must follow them to agree
 * with every other GrowthBook SDK. Stateless.
 */
final class JsValues {
  private JsValues() {}

  /** A deep, unmodifiable copy of a JSON value (maps keep their order; nulls are kept). */
  static @Nullable Object freeze(@Nullable Object value, String where) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException(where + ": object keys must be strings but found " + e.getKey());
        }
        out.put(key, freeze(e.getValue(), where + "." + key));
      }
      return Collections.unmodifiableMap(out);
    }
    if (value instanceof List<?> list) {
      List<@Nullable Object> out = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        out.add(freeze(list.get(i), where + "[" + i + "]"));
      }
      return Collections.unmodifiableList(out);
    }
    throw new IllegalArgumentException(
        where + ": must be a JSON value (map, list, string, number, boolean or null) but was a "
            + value.getClass().getName());
  }

  /** JavaScript truthiness. */
  static boolean truthy(@Nullable Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    return true;
  }

  /** {@code String(v)}. */
  static String string(@Nullable Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number n) {
      return number(n.doubleValue());
    }
    if (v instanceof Boolean b) {
      return b.toString();
    }
    if (v instanceof List<?> list) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Object e = list.get(i);
        if (e != null) {
          sb.append(string(e));
        }
      }
      return sb.toString();
    }
    return "[object Object]";
  }

  /** {@code Number.prototype.toString()} for the values JSON carries. */
  static String number(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e21) {
      return Long.toString((long) d);
    }
    double a = Math.abs(d);
    if (a >= 1e-6 && a < 1e21) {
      return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }
    // JavaScript's exponent form: 1.5e-7, 1e+21.
    String s = Double.toString(d).replace(".0E", "E");
    int e = s.indexOf('E');
    String mantissa = s.substring(0, e);
    String exponent = s.substring(e + 1);
    return mantissa + "e" + (exponent.startsWith("-") ? exponent : "+" + exponent);
  }

  /** {@code Number(v)}: NaN when it is not a number. */
  static double toNumber(@Nullable Object v) {
    if (v == null) {
      return 0;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof String s) {
      String t = s.strip();
      if (t.isEmpty()) {
        return 0;
      }
      if (t.equals("Infinity") || t.equals("+Infinity")) {
        return Double.POSITIVE_INFINITY;
      }
      if (t.equals("-Infinity")) {
        return Double.NEGATIVE_INFINITY;
      }
      if (t.matches("[+-]?(\\d+\\.?\\d*([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?)")) {
        return Double.parseDouble(t);
      }
      if (t.matches("0[xX][0-9a-fA-F]+")) {
        return Long.parseLong(t.substring(2), 16);
      }
      return Double.NaN;
    }
    return toNumber(primitive(v));
  }

  /** {@code ToPrimitive(v)}: a list or object becomes its string form, others stay as they are. */
  static @Nullable Object primitive(@Nullable Object v) {
    return v instanceof List<?> || v instanceof Map<?, ?> ? string(v) : v;
  }

  /** {@code a === b}: numbers by value, strings and booleans by value, objects never. */
  static boolean strictEquals(@Nullable Object a, @Nullable Object b) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    if (a instanceof String || a instanceof Boolean) {
      return a.equals(b);
    }
    return false;
  }

  /**
   * The outcome of JavaScript's relational comparison {@code a < b} (and the others through {@code
   * sign}): both strings compare by UTF-16 units, anything else as numbers; NaN compares false.
   *
   * @return negative, zero or positive as {@code a} is below, equal to or above {@code b}; or
   *     {@link Integer#MIN_VALUE} when the values do not compare (NaN)
   */
  static int compare(@Nullable Object a, @Nullable Object b) {
    Object pa = primitive(a);
    Object pb = primitive(b);
    if (pa instanceof String sa && pb instanceof String sb) {
      return Integer.signum(sa.compareTo(sb));
    }
    double x = toNumber(pa);
    double y = toNumber(pb);
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return Integer.MIN_VALUE;
    }
    return Double.compare(x == 0 ? 0.0 : x, y == 0 ? 0.0 : y);
  }

  /** {@code JSON.stringify(v)}, keys in insertion order. */
  static String json(@Nullable Object v) {
    StringBuilder sb = new StringBuilder();
    json(v, sb);
    return sb.toString();
  }

  private static void json(@Nullable Object v, StringBuilder sb) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(s, sb);
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      sb.append(Double.isNaN(d) || Double.isInfinite(d) ? "null" : number(d));
    } else if (v instanceof Boolean b) {
      sb.append(b);
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        json(list.get(i), sb);
      }
      sb.append(']');
    } else if (v instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        quote(String.valueOf(e.getKey()), sb);
        sb.append(':');
        json(e.getValue(), sb);
      }
      sb.append('}');
    } else {
      quote(v.toString(), sb);
    }
  }

  private static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /**
   * GrowthBook's {@code paddedVersionString}: drops a leading {@code v} and build metadata, splits
   * on {@code -} and {@code .}, appends {@code ~} to a release (three parts, so that it sorts after
   * its pre-releases), left-pads numeric parts to five characters, and joins with {@code -}; the
   * results then compare as strings.
   */
  static String paddedVersion(@Nullable Object input) {
    Object in = input instanceof Number n ? number(n.doubleValue()) : input;
    String s = in instanceof String str && !str.isEmpty() ? str : "0";
    s = s.replaceAll("(^v|\\+.*$)", "");
    List<String> parts = new ArrayList<>(List.of(s.split("[-.]", -1)));
    if (parts.size() == 3) {
      parts.add("~");
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        sb.append('-');
      }
      String p = parts.get(i);
      if (!p.isEmpty() && p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        sb.append(" ".repeat(Math.max(0, 5 - p.length())));
      }
      sb.append(p);
    }
    return sb.toString();
  }
}
