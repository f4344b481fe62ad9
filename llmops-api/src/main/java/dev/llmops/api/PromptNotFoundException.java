package dev.llmops.api;

import java.util.Objects;

/** A prompt, label or version that is not in the registry was asked for. */
public class PromptNotFoundException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final String promptName;
  private final String selector;

  /**
   * Creates the exception.
   *
   * @param message what was looked for and where
   * @param promptName the prompt's name
   * @param selector the label or version asked for (for example {@code label production} or
   *     {@code version 7})
   */
  public PromptNotFoundException(String message, String promptName, String selector) {
    super(message, ErrorDetails.LOCAL, null);
    this.promptName = Objects.requireNonNull(promptName, "promptName");
    this.selector = Objects.requireNonNull(selector, "selector");
  }

  /** The prompt's name. */
  public String promptName() {
    return promptName;
  }

  /** The label or version asked for. */
  public String selector() {
    return selector;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
