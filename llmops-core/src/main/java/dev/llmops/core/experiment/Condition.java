package dev.llmops.core.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * A targeting condition in GrowthBook's condition language (a MongoDB-style query over the
 * attributes of a call): which subjects an experiment or rollout applies to, by tenant, plan,
 * region, app version or any attribute the caller sets. For example
 *
 * <pre>{@code
 * Condition.parse("""
 *     {"plan": {"$in": ["pro", "enterprise"]}, "appVersion": {"$vgte": "2.4.0"}}""");
 * }</pre>
 *
 * <p>It follows the reference SDK exactly (the {@code evalCondition} section of GrowthBook's
 * cross-SDK conformance file, spec 0.8.0, passes case by case): dotted paths into nested
 * attributes; the operators {@code $eq $ne $lt $lte $gt $gte $in $nin $ini $nini $all $alli
 * $elemMatch $size $exists $type $regex $regexi $not $and $or $nor $inGroup $notInGroup} and the
 * version comparisons {@code $veq $vne $vgt $vgte $vlt $vlte}; JavaScript's coercions where the
 * reference compares values of different types. As in every GrowthBook SDK an unknown operator is
 * not an error: the condition is then false, so a misspelt operator excludes rather than includes.
 *
 * <p>Attribute values are JSON values: {@link Map} (string keys), {@link List}, {@link String},
 * {@link Number}, {@link Boolean} or null. Immutable and thread-safe; regular expressions are
 * compiled once per condition.
 */
public final class Condition {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Condition ALWAYS = new Condition(Map.of());

  private final Map<String, @Nullable Object> tree;
  private final ConcurrentHashMap<String, Optional<Pattern>> patterns = new ConcurrentHashMap<>();

  private Condition(Map<String, @Nullable Object> tree) {
    this.tree = tree;
  }

  /** The condition every subject passes (an empty object). */
  public static Condition always() {
    return ALWAYS;
  }

  /**
   * A condition from its JSON text (an object).
   *
   * @throws IllegalArgumentException if the text is not a JSON object
   */
  public static Condition parse(String json) {
    Objects.requireNonNull(json, "json");
    Object value;
    try {
      value = JSON.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("condition: not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("condition: must be a JSON object");
    }
    return of(map);
  }

  /**
   * A condition from its parsed form (a map of JSON values, as a JSON or YAML reader gives it).
   *
   * @throws IllegalArgumentException naming the path of a value that is not a JSON value
   */
  @SuppressWarnings("unchecked")
  public static Condition of(Map<?, ?> condition) {
    Objects.requireNonNull(condition, "condition");
    return new Condition((Map<String, @Nullable Object>) Objects.requireNonNull(JsValues.freeze(condition, "condition")));
  }

  /** The condition as JSON text. */
  public String toJson() {
    return JsValues.json(tree);
  }

  /** Whether this condition is the empty one (every subject passes). */
  public boolean isAlways() {
    return tree.isEmpty();
  }

  /** Whether {@code attributes} pass the condition, with no saved groups. */
  public boolean test(Map<String, ?> attributes) {
    return test(attributes, Map.of());
  }

  /**
   * Whether {@code attributes} pass the condition; {@code $inGroup} and {@code $notInGroup} look
   * groups up in {@code savedGroups} (a missing group is empty).
   */
  public boolean test(Map<String, ?> attributes, Map<String, ? extends List<?>> savedGroups) {
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(savedGroups, "savedGroups");
    return evalCondition(attributes, tree, savedGroups);
  }

  private boolean evalCondition(@Nullable Object obj, Map<?, ?> condition, Map<String, ? extends List<?>> groups) {
    for (Map.Entry<?, ?> e : condition.entrySet()) {
      String k = (String) e.getKey();
      Object v = e.getValue();
      switch (k) {
        case "$or" -> {
          if (!evalOr(obj, v, groups)) {
            return false;
          }
        }
        case "$nor" -> {
          if (evalOr(obj, v, groups)) {
            return false;
          }
        }
        case "$and" -> {
          if (!evalAnd(obj, v, groups)) {
            return false;
          }
        }
        case "$not" -> {
          if (v instanceof Map<?, ?> m && evalCondition(obj, m, groups)) {
            return false;
          }
        }
        default -> {
          if (!evalConditionValue(v, path(obj, k), groups)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private boolean evalOr(@Nullable Object obj, @Nullable Object conditions, Map<String, ? extends List<?>> groups) {
    if (!(conditions instanceof List<?> list) || list.isEmpty()) {
      return true;
    }
    for (Object c : list) {
      if (c instanceof Map<?, ?> m && evalCondition(obj, m, groups)) {
        return true;
      }
    }
    return false;
  }

  private boolean evalAnd(@Nullable Object obj, @Nullable Object conditions, Map<String, ? extends List<?>> groups) {
    if (!(conditions instanceof List<?> list)) {
      return true;
    }
    for (Object c : list) {
      if (!(c instanceof Map<?, ?> m) || !evalCondition(obj, m, groups)) {
        return false;
      }
    }
    return true;
  }

  /** The value at a dotted path, or null when any step is missing. */
  private static @Nullable Object path(@Nullable Object obj, String path) {
    Object current = obj;
    int from = 0;
    while (true) {
      int dot = path.indexOf('.', from);
      String part = dot < 0 ? path.substring(from) : path.substring(from, dot);
      if (current instanceof Map<?, ?> m && m.containsKey(part)) {
        current = m.get(part);
      } else if (current instanceof List<?> l && isIndex(part) && Integer.parseInt(part) < l.size()) {
        current = l.get(Integer.parseInt(part));
      } else {
        return null;
      }
      if (dot < 0) {
        return current;
      }
      from = dot + 1;
    }
  }

  private static boolean isIndex(String s) {
    return !s.isEmpty() && s.length() < 10 && s.chars().allMatch(c -> c >= '0' && c <= '9')
        && (s.length() == 1 || s.charAt(0) != '0');
  }

  private boolean evalConditionValue(@Nullable Object condition, @Nullable Object value, Map<String, ? extends List<?>> groups) {
    if (condition instanceof String s) {
      return JsValues.string(value).equals(s);
    }
    if (condition instanceof Number n) {
      return JsValues.toNumber(value) == n.doubleValue();
    }
    if (condition instanceof Boolean b) {
      return value != null && JsValues.truthy(value) == b;
    }
    if (condition == null) {
      return value == null;
    }
    if (condition instanceof List<?> || !isOperatorObject(condition)) {
      return JsValues.json(value).equals(JsValues.json(condition));
    }
    for (Map.Entry<?, ?> e : ((Map<?, ?>) condition).entrySet()) {
      if (!evalOperator((String) e.getKey(), value, e.getValue(), groups)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isOperatorObject(Object o) {
    if (!(o instanceof Map<?, ?> m) || m.isEmpty()) {
      return false;
    }
    for (Object k : m.keySet()) {
      if (!((String) k).startsWith("$")) {
        return false;
      }
    }
    return true;
  }

  private boolean evalOperator(String op, @Nullable Object actual, @Nullable Object expected, Map<String, ? extends List<?>> groups) {
    return switch (op) {
      case "$veq" -> JsValues.paddedVersion(actual).equals(JsValues.paddedVersion(expected));
      case "$vne" -> !JsValues.paddedVersion(actual).equals(JsValues.paddedVersion(expected));
      case "$vgt" -> JsValues.paddedVersion(actual).compareTo(JsValues.paddedVersion(expected)) > 0;
      case "$vgte" -> JsValues.paddedVersion(actual).compareTo(JsValues.paddedVersion(expected)) >= 0;
      case "$vlt" -> JsValues.paddedVersion(actual).compareTo(JsValues.paddedVersion(expected)) < 0;
      case "$vlte" -> JsValues.paddedVersion(actual).compareTo(JsValues.paddedVersion(expected)) <= 0;
      case "$eq" -> JsValues.strictEquals(actual, expected);
      case "$ne" -> !JsValues.strictEquals(actual, expected);
      case "$lt" -> comparable(actual, expected) && JsValues.compare(actual, expected) < 0;
      case "$lte" -> comparable(actual, expected) && JsValues.compare(actual, expected) <= 0;
      case "$gt" -> comparable(actual, expected) && JsValues.compare(actual, expected) > 0;
      case "$gte" -> comparable(actual, expected) && JsValues.compare(actual, expected) >= 0;
      case "$exists" -> JsValues.truthy(expected) ? actual != null : actual == null;
      case "$in" -> expected instanceof List<?> list && isIn(actual, list, false);
      case "$ini" -> expected instanceof List<?> list && isIn(actual, list, true);
      case "$nin" -> expected instanceof List<?> list && !isIn(actual, list, false);
      case "$nini" -> expected instanceof List<?> list && !isIn(actual, list, true);
      case "$inGroup" -> isIn(actual, group(groups, expected), false);
      case "$notInGroup" -> !isIn(actual, group(groups, expected), false);
      case "$not" -> !evalConditionValue(expected, actual, groups);
      case "$size" -> actual instanceof List<?> list && evalConditionValue(expected, (double) list.size(), groups);
      case "$elemMatch" -> elemMatch(actual, expected, groups);
      case "$all" -> actual instanceof List<?> list && all(list, expected, groups, false);
      case "$alli" -> actual instanceof List<?> list && all(list, expected, groups, true);
      case "$regex" -> regex(actual, expected, false);
      case "$regexi" -> regex(actual, expected, true);
      case "$type" -> type(actual).equals(expected);
      default -> false;
    };
  }

  /** Whether JavaScript's relational operators give an answer (neither side is NaN as a number). */
  private static boolean comparable(@Nullable Object actual, @Nullable Object expected) {
    return JsValues.compare(actual, expected) != Integer.MIN_VALUE;
  }

  private static List<?> group(Map<String, ? extends List<?>> groups, @Nullable Object id) {
    List<?> g = groups.get(JsValues.string(id));
    return g == null ? List.of() : g;
  }

  private static boolean isIn(@Nullable Object actual, List<?> expected, boolean insensitive) {
    if (actual instanceof List<?> list) {
      for (Object el : list) {
        if (includes(expected, el, insensitive)) {
          return true;
        }
      }
      return false;
    }
    return includes(expected, actual, insensitive);
  }

  /** {@code Array.prototype.includes} (SameValueZero), optionally lower-casing strings on both sides. */
  private static boolean includes(List<?> list, @Nullable Object value, boolean insensitive) {
    Object v = insensitive && value instanceof String s ? s.toLowerCase(java.util.Locale.ROOT) : value;
    for (Object e : list) {
      Object x = insensitive && e instanceof String s ? s.toLowerCase(java.util.Locale.ROOT) : e;
      if (v instanceof Number a && x instanceof Number b) {
        double da = a.doubleValue();
        double db = b.doubleValue();
        if (da == db || (Double.isNaN(da) && Double.isNaN(db))) {
          return true;
        }
      } else if (JsValues.strictEquals(v, x)) {
        return true;
      }
    }
    return false;
  }

  private boolean all(List<?> actual, @Nullable Object expected, Map<String, ? extends List<?>> groups, boolean insensitive) {
    if (!(expected instanceof List<?> wanted)) {
      return true;
    }
    for (Object w : wanted) {
      boolean passed = false;
      for (Object a : actual) {
        if (insensitive ? includes(actual, w, true) : evalConditionValue(w, a, groups)) {
          passed = true;
          break;
        }
      }
      if (!passed) {
        return false;
      }
    }
    return true;
  }

  private boolean elemMatch(@Nullable Object actual, @Nullable Object expected, Map<String, ? extends List<?>> groups) {
    if (!(actual instanceof List<?> list)) {
      return false;
    }
    boolean operators = expected != null && isOperatorObject(expected);
    for (Object item : list) {
      if (!JsValues.truthy(item)) {
        continue;
      }
      boolean ok = operators
          ? evalConditionValue(expected, item, groups)
          : expected instanceof Map<?, ?> m && evalCondition(item, m, groups);
      if (ok) {
        return true;
      }
    }
    return false;
  }

  private boolean regex(@Nullable Object actual, @Nullable Object expected, boolean insensitive) {
    String source = JsValues.string(expected);
    Optional<Pattern> p = patterns.computeIfAbsent((insensitive ? "i:" : "s:") + source, k -> {
      try {
        return Optional.of(Pattern.compile(source, insensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
      } catch (PatternSyntaxException e) {
        return Optional.empty();
      }
    });
    return p.isPresent() && p.get().matcher(JsValues.string(actual)).find();
  }

  private static String type(@Nullable Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof List<?>) {
      return "array";
    }
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Number) {
      return "number";
    }
    if (v instanceof Boolean) {
      return "boolean";
    }
    if (v instanceof Map<?, ?>) {
      return "object";
    }
    return "unknown";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Condition c && c.tree.equals(tree);
  }

  @Override
  public int hashCode() {
    return tree.hashCode();
  }

  @Override
  public String toString() {
    return "Condition" + toJson();
  }
}
