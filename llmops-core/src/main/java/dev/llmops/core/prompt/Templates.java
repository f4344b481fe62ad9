package dev.llmops.core.prompt;

import com.github.mustachejava.Code;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.codes.IterableCode;
import com.github.mustachejava.codes.ValueCode;
import com.github.mustachejava.reflect.MapObjectHandler;
import com.github.mustachejava.util.Wrapper;
import java.io.StringReader;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Compiles Mustache templates (mustache.java) for LLM text: no HTML escaping, no partials, and
 * strict lookups: a name found in no scope fails rendering instead of rendering as empty.
 */
final class Templates {
  private static final Factory FACTORY = new Factory();

  private Templates() {}

  /**
   * Compiles {@code template}.
   *
   * @param origin names the template in errors (prompt, version, message index)
   * @throws IllegalArgumentException with the parser's message (and line) if the syntax is wrong
   */
  static Mustache compile(String template, String origin) {
    try {
      return FACTORY.compile(new StringReader(template), origin);
    } catch (MustacheException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
  }

  private static String describe(MustacheException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (message.startsWith("Template ") && message.endsWith(" not found")) {
      return "partials ({{> name}}) and template inheritance are not supported";
    }
    return message;
  }

  /**
   * Every top-level variable name the template refers to: the first segment of {@code a.b}, in
   * values, sections and inverted sections, including names used inside sections.
   */
  static Set<String> variables(Mustache mustache) {
    Set<String> names = new TreeSet<>();
    collect(mustache.getCodes(), names);
    return Set.copyOf(names);
  }

  private static void collect(Code @Nullable [] codes, Set<String> names) {
    if (codes == null) {
      return;
    }
    for (Code code : codes) {
      String name = code.getName();
      if (name != null && (code instanceof ValueCode || code instanceof IterableCode) && !name.equals(".")) {
        int dot = name.indexOf('.');
        names.add(dot < 0 ? name : name.substring(0, dot));
      }
      collect(code.getCodes(), names);
    }
  }

  /**
   * Renders {@code mustache} with {@code variables} into {@code out}.
   *
   * @return the name of the first variable found in no scope, or null when rendering succeeded
   */
  static @Nullable String render(Mustache mustache, Map<String, Object> variables, Writer out) {
    try {
      mustache.execute(out, variables);
      return null;
    } catch (MustacheException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof MissingVariable) {
          return ((MissingVariable) t).name;
        }
      }
      throw e;
    }
  }

  /** Thrown inside mustache.java when a name resolves in no scope; never escapes this class. */
  private static final class MissingVariable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String name;

    MissingVariable(String name) {
      super(name, null, false, false);
      this.name = name;
    }
  }

  /** Resolves names in maps only, innermost scope first; a dotted name walks nested maps. */
  private static final class StrictHandler extends MapObjectHandler {
    private static final Object ABSENT = new Object();

    @Override
    public Wrapper find(@Nullable String name, @Nullable List<Object> ignored) {
      if (name == null) {
        // Codes without a name (plain text) get a binding too; it is never asked for a value.
        return scopes -> null;
      }
      String[] path = name.split("\\.", -1);
      return scopes -> {
        for (int i = scopes.size() - 1; i >= 0; i--) {
          Object value = lookup(scopes.get(i), path[0]);
          if (value != ABSENT) {
            for (int k = 1; k < path.length; k++) {
              value = lookup(value, path[k]);
              if (value == ABSENT) {
                throw new MissingVariable(name);
              }
            }
            return value;
          }
        }
        throw new MissingVariable(name);
      };
    }

    private static @Nullable Object lookup(@Nullable Object scope, String key) {
      if (scope instanceof Map) {
        Map<?, ?> map = (Map<?, ?>) scope;
        if (map.containsKey(key)) {
          return map.get(key);
        }
      }
      return ABSENT;
    }
  }

  /** A factory that writes values unescaped and resolves no partials. */
  private static final class Factory extends DefaultMustacheFactory {
    Factory() {
      super(name -> null);
      setObjectHandler(new StrictHandler());
    }

    @Override
    public void encode(String value, Writer writer) {
      try {
        writer.write(value);
      } catch (java.io.IOException e) {
        throw new MustacheException("failed to write", e);
      }
    }
  }
}
