package dev.llmops.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tool the model may call, in no provider's format: the adapters write it as OpenAI's {@code
 * {type:"function", function:{name, description, parameters}}} or Anthropic's {@code {name,
 * description, input_schema}}. Immutable and thread-safe.
 *
 * @param name the tool's name, 1 to 64 characters of {@code [a-zA-Z0-9_-]} (the rule both
 *     providers share)
 * @param description what the tool does and when to use it, for the model; may be empty
 * @param parametersSchemaJson a JSON Schema (a JSON object, usually {@code {"type":"object",...}})
 *     for the tool's arguments; the adapters check that it is JSON when they write it
 */
public record ToolDefinition(String name, String description, String parametersSchemaJson) {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException if the name breaks the providers' rule or the schema is blank
   */
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parametersSchemaJson, "parametersSchemaJson");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "tool name '" + name + "' must be 1 to 64 characters of a-z, A-Z, 0-9, '_' or '-'");
    }
    if (parametersSchemaJson.isBlank()) {
      throw new IllegalArgumentException("tool '" + name + "': parametersSchemaJson must be a JSON Schema object");
    }
  }

  /** A tool with the given name, description and arguments schema. */
  public static ToolDefinition of(String name, String description, String parametersSchemaJson) {
    return new ToolDefinition(name, description, parametersSchemaJson);
  }
}
