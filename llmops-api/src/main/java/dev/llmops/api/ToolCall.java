package dev.llmops.api;

import java.util.Objects;

/**
 * A tool (function) call requested by the model, passed through unchanged.
 *
 * @param id the provider's id for this call, used to answer it with a {@link Role#TOOL} message
 * @param name the tool's name
 * @param argumentsJson the arguments as the provider sent them, a JSON document
 */
public record ToolCall(String id, String name, String argumentsJson) {
  /** Checks that no component is null. */
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(argumentsJson, "argumentsJson");
  }
}
