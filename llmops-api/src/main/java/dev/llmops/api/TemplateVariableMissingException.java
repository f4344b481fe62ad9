package dev.llmops.api;

import java.util.Objects;

/** Rendering a prompt needed a variable the call did not supply. */
public class TemplateVariableMissingException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final String promptName;
  private final int promptVersion;
  private final String variable;

  /**
   * Creates the exception.
   *
   * @param promptName the prompt's name
   * @param promptVersion the version being rendered
   * @param variable the missing variable's name
   */
  public TemplateVariableMissingException(String promptName, int promptVersion, String variable) {
    super(
        "prompt '" + promptName + "' version " + promptVersion + " needs variable '" + variable
            + "', which the call did not supply",
        ErrorDetails.LOCAL,
        null);
    this.promptName = Objects.requireNonNull(promptName, "promptName");
    this.promptVersion = promptVersion;
    this.variable = Objects.requireNonNull(variable, "variable");
  }

  /** The prompt's name. */
  public String promptName() {
    return promptName;
  }

  /** The version being rendered. */
  public int promptVersion() {
    return promptVersion;
  }

  /** The missing variable. */
  public String variable() {
    return variable;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
