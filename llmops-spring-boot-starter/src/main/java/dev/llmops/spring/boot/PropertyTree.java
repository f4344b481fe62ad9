package dev.llmops.spring.boot;

import dev.llmops.api.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The {@code llmops.*} properties of a Spring environment as the tree of maps, lists and scalars
 * the llmops configuration file would hold: {@code llmops.models.smart.provider} becomes {@code
 * models: {smart: {provider: ...}}}, {@code llmops.budgets[0].scope} a list, {@code
 * overrides[gpt-4.1]} a key with dots. A name set in several property sources takes the value of the
 * first (highest-precedence) source, as Spring's own binding does; values keep the type their source
 * gives them (YAML: numbers and booleans; properties: text), and {@code ${...}} placeholders in text
 * are resolved.
 *
 * <p>The system environment and system properties are left out: a stray {@code LLMOPS_*} variable
 * or {@code -Dllmops.*} flag of some other tool must not become an unknown configuration key. They
 * still supply secrets, which the file names by variable ({@code apiKeyEnv}) and the starter looks up
 * through the whole environment.
 */
final class PropertyTree {
  static final String PREFIX = "llmops";

  private PropertyTree() {}

  /**
   * The tree under {@code llmops.}, without the starter's own keys ({@link
   * LlmOpsProperties#STARTER_KEYS}).
   *
   * @throws ConfigurationException listing every name that cannot be placed in a tree (a malformed
   *     name, list indexes with gaps, list items mixed with keys)
   */
  static Map<String, Object> read(ConfigurableEnvironment env) {
    Map<String, Object> root = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (PropertySource<?> source : env.getPropertySources()) {
      if (!(source instanceof EnumerablePropertySource<?> e) || excluded(source.getName())) {
        continue;
      }
      for (String name : e.getPropertyNames()) {
        if (!name.startsWith(PREFIX + ".") && !name.startsWith(PREFIX + "[")) {
          continue;
        }
        List<Object> path = path(name);
        if (path == null) {
          problems.add(name + ": not a property name llmops can read (use a.b, a[0] or a[key.with.dots])");
          continue;
        }
        if (path.isEmpty() || (path.get(0) instanceof String s && LlmOpsProperties.STARTER_KEYS.contains(s))) {
          continue;
        }
        Object value = e.getProperty(name);
        if (value instanceof CharSequence text) {
          value = env.resolvePlaceholders(text.toString());
        }
        if (value != null) {
          put(root, path, value);
        }
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) normalise(root, PREFIX, problems);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return tree;
  }

  private static boolean excluded(String sourceName) {
    return sourceName.equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)
        || sourceName.equals(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
  }

  /**
   * The steps of {@code name} after {@code llmops}: a {@code String} per key, an {@code Integer}
   * per numeric index; null if it is malformed.
   */
  static @Nullable List<Object> path(String name) {
    List<Object> out = new ArrayList<>();
    int i = PREFIX.length();
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < name.length() && name.charAt(end) != '.' && name.charAt(end) != '[') {
          end++;
        }
        if (end == i + 1) {
          return null;
        }
        out.add(name.substring(i + 1, end));
        i = end;
      } else if (c == '[') {
        int close = name.indexOf(']', i);
        if (close < 0 || close == i + 1) {
          return null;
        }
        String inside = name.substring(i + 1, close);
        out.add(inside.chars().allMatch(Character::isDigit) && inside.length() < 10 ? (Object) Integer.valueOf(inside) : inside);
        i = close + 1;
      } else {
        return null;
      }
    }
    return out;
  }

  /** Puts {@code value} at {@code path} unless a source before set it (or set it as a section). */
  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> root, List<Object> path, Object value) {
    Map<Object, Object> node = (Map<Object, Object>) (Map<?, ?>) root;
    for (int i = 0; i < path.size() - 1; i++) {
      Object child = node.get(path.get(i));
      if (child == null) {
        child = new LinkedHashMap<>();
        node.put(path.get(i), child);
      } else if (!(child instanceof Map)) {
        return; // a higher-precedence source set this as a value: it wins
      }
      node = (Map<Object, Object>) child;
    }
    Object last = path.get(path.size() - 1);
    node.putIfAbsent(last, value); // set before: by a higher-precedence source, which wins
  }

  /** Turns maps keyed by indexes into lists, checking the indexes run from 0 without gaps. */
  private static Object normalise(Object node, String where, List<String> problems) {
    if (!(node instanceof Map<?, ?> map)) {
      return node;
    }
    boolean indexed = !map.isEmpty() && map.keySet().stream().allMatch(k -> k instanceof Integer);
    boolean mixed = !indexed && map.keySet().stream().anyMatch(k -> k instanceof Integer);
    if (mixed) {
      problems.add(where + ": both list items ([0], [1], ...) and keys; use one or the other");
    }
    if (indexed) {
      TreeMap<Integer, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put((Integer) k, v));
      List<Object> list = new ArrayList<>();
      for (Map.Entry<Integer, Object> item : sorted.entrySet()) {
        if (item.getKey() != list.size()) {
          problems.add(where + "[" + list.size() + "]: missing (list items must be numbered from 0 without gaps)");
          break;
        }
        list.add(normalise(item.getValue(), where + "[" + item.getKey() + "]", problems));
      }
      return list;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), normalise(v, where + "." + k, problems)));
    return out;
  }

  /** The model names declared {@code provider: supplied} under {@code llmops.models}. */
  static Set<String> suppliedModels(ConfigurableEnvironment env) {
    Set<String> out = new LinkedHashSet<>();
    if (read(env).get("models") instanceof Map<?, ?> models) {
      models.forEach((name, model) -> {
        if (model instanceof Map<?, ?> m && "supplied".equalsIgnoreCase(String.valueOf(m.get("provider")))) {
          out.add(String.valueOf(name));
        }
      });
    }
    return out;
  }

  /** The model names under {@code llmops.models}, in order. */
  static List<String> modelNames(ConfigurableEnvironment env) {
    List<String> out = new ArrayList<>();
    if (read(env).get("models") instanceof Map<?, ?> models) {
      models.keySet().forEach(name -> out.add(String.valueOf(name)));
    }
    return out;
  }
}
