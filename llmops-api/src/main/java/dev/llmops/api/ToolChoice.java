package dev.llmops.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Whether and which tool the model must call. Immutable and thread-safe.
 *
 * <table>
 *   <caption>How each choice is sent</caption>
 *   <tr><th>choice</th><th>OpenAI {@code tool_choice}</th><th>Anthropic {@code tool_choice.type}</th></tr>
 *   <tr><td>{@link #AUTO}</td><td>{@code "auto"}</td><td>{@code auto}</td></tr>
 *   <tr><td>{@link #NONE}</td><td>{@code "none"}</td><td>{@code none}</td></tr>
 *   <tr><td>{@link #REQUIRED}</td><td>{@code "required"}</td><td>{@code any}</td></tr>
 *   <tr><td>{@link #tool(String)}</td><td>{@code {type:"function",function:{name}}}</td>
 *       <td>{@code tool} with {@code name}</td></tr>
 * </table>
 *
 * @param mode the kind of choice
 * @param toolName the tool the model must call when the mode is {@link Mode#TOOL}; null otherwise
 */
public record ToolChoice(Mode mode, @Nullable String toolName) {
  /** The model decides whether to call tools. */
  public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
  /** The model must not call tools. */
  public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
  /** The model must call at least one tool. */
  public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

  /** The kinds of choice. */
  public enum Mode {
    /** The model decides. */
    AUTO,
    /** No tool calls. */
    NONE,
    /** At least one tool call. */
    REQUIRED,
    /** A call of one named tool. */
    TOOL
  }

  /**
   * Checks that a name is given exactly for {@link Mode#TOOL}.
   *
   * @throws IllegalArgumentException if it is not
   */
  public ToolChoice {
    Objects.requireNonNull(mode, "mode");
    if ((mode == Mode.TOOL) != (toolName != null)) {
      throw new IllegalArgumentException("toolName must be set for mode TOOL and only then, but mode was "
          + mode + " and toolName " + (toolName == null ? "null" : "'" + toolName + "'"));
    }
  }

  /** The model must call the tool {@code name}. */
  public static ToolChoice tool(String name) {
    return new ToolChoice(Mode.TOOL, Objects.requireNonNull(name, "name"));
  }
}
