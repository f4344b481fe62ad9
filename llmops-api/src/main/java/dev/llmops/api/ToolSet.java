package dev.llmops.api;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The typed tools of a request: their definitions, the tool choice and whether the model may call
 * several tools in one turn. The provider adapters write it in their own format. Immutable and
 * thread-safe.
 *
 * @param definitions the tools, with distinct names; empty for {@link #NONE}
 * @param choice the tool choice, or null to send none (the provider's default: auto when tools are
 *     given)
 * @param parallelToolCalls whether the model may call several tools in one turn, or null to send
 *     nothing (the providers' default: yes)
 */
public record ToolSet(List<ToolDefinition> definitions, @Nullable ToolChoice choice, @Nullable Boolean parallelToolCalls) {
  /** No typed tools. */
  public static final ToolSet NONE = new ToolSet(List.of(), null, null);

  /**
   * Checks the components and copies the list.
   *
   * @throws IllegalArgumentException if two tools share a name, a named choice names no tool, or a
   *     choice or parallel flag comes without tools
   */
  public ToolSet {
    definitions = List.copyOf(definitions);
    Set<String> names = new HashSet<>();
    for (ToolDefinition d : definitions) {
      if (!names.add(d.name())) {
        throw new IllegalArgumentException("two tools are named '" + d.name() + "'");
      }
    }
    if (definitions.isEmpty() && (choice != null || parallelToolCalls != null)) {
      throw new IllegalArgumentException("a tool choice or parallelToolCalls needs at least one tool");
    }
    if (choice != null && choice.mode() == ToolChoice.Mode.TOOL && !names.contains(choice.toolName())) {
      throw new IllegalArgumentException(
          "the tool choice names '" + choice.toolName() + "', which is not among the tools " + names);
    }
  }

  /** These tools with the provider's default choice. */
  public static ToolSet of(List<ToolDefinition> definitions) {
    return new ToolSet(definitions, null, null);
  }

  /** These tools with the provider's default choice. */
  public static ToolSet of(ToolDefinition... definitions) {
    return of(List.of(definitions));
  }

  /** This set with another tool choice. */
  public ToolSet withChoice(@Nullable ToolChoice choice) {
    return new ToolSet(definitions, choice, parallelToolCalls);
  }

  /** This set allowing (true) or forbidding (false) several tool calls in one turn; null sends nothing. */
  public ToolSet withParallelToolCalls(@Nullable Boolean parallel) {
    return new ToolSet(definitions, choice, parallel);
  }

  /** True when there are no tools. */
  public boolean isEmpty() {
    return definitions.isEmpty();
  }

  /** The definition of the tool {@code name}, or null. */
  public @Nullable ToolDefinition definition(String name) {
    Objects.requireNonNull(name, "name");
    for (ToolDefinition d : definitions) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }
}
