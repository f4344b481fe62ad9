package dev.llmops.api;

import dev.llmops.api.internal.VariablesWith;
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
   * Checks the components and copies the variables (unless they are already the immutable
   * variables of a reference).
   */
  public PromptRef {
    Objects.requireNonNull(name, "name");
    variables = variables instanceof VariablesWith ? variables : Map.copyOf(variables);
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
   * name. The variables are not copied: the new reference shares them and adds one entry, so
   * adding a per-call variable (a ticket number, say) to a shared map stays cheap.
   *
   * @throws NullPointerException if {@code variable} or {@code value} is null
   */
  public PromptRef withVariable(String variable, Object value) {
    return new PromptRef(name, label, version, VariablesWith.of(variables, variable, value));
  }
}
