package dev.llmops.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which prompt a call renders, and with what variables: set by {@code client.prompt(name)} as the
 * call's {@link #KEY} attribute, possibly re-pointed by the experiment step (a variant may choose a
 * label or version), then resolved and rendered by the prompt step. Immutable and thread-safe.
 *
 * @param name the prompt's name
 * @param label the label to resolve (for example {@code production}); null means the registry's
 *     default label unless {@code version} is set
 * @param version an exact version; when set it wins over {@code label}
 * @param variables the template variables: an immutable map, in no particular iteration order
 */
public record PromptRef(String name, @Nullable String label, @Nullable Integer version, Map<String, Object> variables) {

  /** The call attribute that carries the prompt reference. */
  public static final AttributeKey<PromptRef> KEY = AttributeKey.of("llmops.prompt.ref", PromptRef.class);

  /**
   * Checks the components and copies the variables ({@link Map#copyOf}, which keeps a map that is
   * already such a copy, like another reference's variables).
   *
   * @throws NullPointerException if {@code name}, {@code variables} or any variable name or value
   *     is null
   * @throws IllegalArgumentException if {@code version} is below 1
   */
  public PromptRef {
    Objects.requireNonNull(name, "name");
    variables = Map.copyOf(variables);
    if (version != null && version < 1) {
      throw new IllegalArgumentException("version must be >= 1 but was " + version);
    }
  }

  /** This reference pinned to a label (clearing any version). */
  public PromptRef withLabel(String label) {
    return new PromptRef(name, Objects.requireNonNull(label, "label"), null, variables);
  }

  /** This reference pinned to an exact version. */
  public PromptRef withVersion(int version) {
    return new PromptRef(name, label, version, variables);
  }

  /**
   * This reference with the variable {@code variable} set to {@code value}, replacing one of that
   * name: a new reference with an immutable copy of the variables; this one is unchanged.
   *
   * @throws NullPointerException if {@code variable} or {@code value} is null
   */
  public PromptRef withVariable(String variable, Object value) {
    Map<String, Object> copy = new HashMap<>(variables);
    copy.put(Objects.requireNonNull(variable, "variable"), Objects.requireNonNull(value, "value"));
    return new PromptRef(name, label, version, copy);
  }
}
