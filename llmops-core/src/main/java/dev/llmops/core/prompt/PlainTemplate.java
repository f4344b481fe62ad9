package dev.llmops.core.prompt;

import com.github.mustachejava.Code;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.codes.ValueCode;
import com.github.mustachejava.codes.WriteCode;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A compiled template that is nothing but text and top-level {@code {{name}}} values (the common
 * case), rendered by joining its text parts and the values into one exactly-sized string, without
 * going through mustache.java. Built from the compiled template and checked against it once, so it
 * writes exactly what mustache.java would. Immutable and thread-safe.
 */
final class PlainTemplate {
  /** {@code texts[0]}, then the value of {@code names[0]}, then {@code texts[1]}, and so on. */
  private final String[] texts;
  private final String[] names;

  private PlainTemplate(String[] texts, String[] names) {
    this.texts = texts;
    this.names = names;
  }

  /**
   * The plain form of {@code mustache}, or null if it has sections, dotted names, comments or
   * anything else mustache.java must render itself.
   */
  static @Nullable PlainTemplate of(Mustache mustache) {
    Code[] codes = mustache.getCodes();
    if (codes == null) {
      return null;
    }
    List<String> texts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (Code code : codes) {
      if (code.getClass() == WriteCode.class || (code.getName() == null && code.getCodes() == null)) {
        // Text, or a code that refers to nothing (the end-of-template marker): constant output.
        String constant = output(code, Map.of());
        if (constant == null) {
          return null;
        }
        text.append(constant);
      } else if (code.getClass() == ValueCode.class && plainName(code.getName()) && code.getCodes() == null) {
        texts.add(text.toString());
        text.setLength(0);
        names.add(code.getName());
        // Executed with an empty value, a value code writes just the text that follows it.
        String after = output(code, Map.of(code.getName(), ""));
        if (after == null) {
          return null;
        }
        text.append(after);
      } else {
        return null;
      }
    }
    texts.add(text.toString());
    PlainTemplate plain = new PlainTemplate(texts.toArray(new String[0]), names.toArray(new String[0]));
    return plain.rendersLike(mustache) ? plain : null;
  }

  private static boolean plainName(@Nullable String name) {
    return name != null && !name.isEmpty() && name.indexOf('.') < 0;
  }

  /** What {@code code} alone writes with {@code scope}, or null if it cannot run alone. */
  private static @Nullable String output(Code code, Map<String, Object> scope) {
    StringWriter out = new StringWriter();
    List<Object> scopes = new ArrayList<>();
    scopes.add(scope);
    try {
      code.execute(out, scopes);
    } catch (RuntimeException e) {
      return null;
    }
    return out.toString();
  }

  /** Whether this renders what mustache.java renders, for distinct marker values. */
  private boolean rendersLike(Mustache mustache) {
    Map<String, Object> probe = new java.util.HashMap<>();
    for (String name : names) {
      probe.put(name, "\u0001" + name + "\u0002");
    }
    StringWriter expected = new StringWriter();
    try {
      mustache.execute(expected, probe);
    } catch (RuntimeException e) {
      return false;
    }
    return expected.toString().equals(render(probe));
  }

  /** How many values the template writes (a name used twice counts twice). */
  int variableCount() {
    return names.length;
  }

  /** The text, for a template without variables. */
  String constantText() {
    if (names.length != 0) {
      throw new IllegalStateException("the template has variables");
    }
    return texts[0];
  }

  /**
   * Renders with {@code variables}, or returns null when mustache.java must do it: a name is
   * missing (it reports which), or a value is not a string, number, boolean or character (it
   * unwraps optionals, calls lambdas, ...).
   */
  @Nullable String render(Map<String, ?> variables) {
    String[] parts = new String[texts.length + names.length];
    parts[0] = texts[0];
    for (int i = 0; i < names.length; i++) {
      String value = text(variables.get(names[i]));
      if (value == null) {
        return null;
      }
      parts[2 * i + 1] = value;
      parts[2 * i + 2] = texts[i + 1];
    }
    // One exactly-sized string, no intermediate buffer.
    return String.join("", parts);
  }

  private static @Nullable String text(@Nullable Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Boolean || value instanceof Character
        || value instanceof Double || value instanceof Float || value instanceof Short || value instanceof Byte
        || value instanceof BigDecimal || value instanceof BigInteger) {
      return value.toString();
    }
    return null;
  }
}
