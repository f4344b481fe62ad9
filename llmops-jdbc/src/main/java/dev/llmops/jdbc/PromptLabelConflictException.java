package dev.llmops.jdbc;

import dev.llmops.api.LlmException;
import org.jspecify.annotations.Nullable;

/**
 * A label move lost a race: the label no longer pointed at the version the mover expected, because
 * another replica or user moved it first. Nothing was changed; read the label again and decide.
 */
public final class PromptLabelConflictException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final String prompt;
  private final String label;
  private final @Nullable Integer expected;
  private final @Nullable Integer actual;

  PromptLabelConflictException(String prompt, String label, @Nullable Integer expected, @Nullable Integer actual) {
    super("prompt '" + prompt + "' label '" + label + "' points at " + describe(actual) + ", not at the expected "
        + describe(expected) + ": moved by someone else; nothing changed", ErrorDetails.LOCAL, null);
    this.prompt = prompt;
    this.label = label;
    this.expected = expected;
    this.actual = actual;
  }

  private static String describe(@Nullable Integer version) {
    return version == null ? "no version (label absent)" : "version " + version;
  }

  /** The prompt. */
  public String prompt() {
    return prompt;
  }

  /** The label. */
  public String label() {
    return label;
  }

  /** The version the mover expected, or null for "no such label yet". */
  public @Nullable Integer expected() {
    return expected;
  }

  /** The version the label points at in the database, or null when absent. */
  public @Nullable Integer actual() {
    return actual;
  }

  /** False: the same move will conflict again until the mover looks at the label anew. */
  @Override
  public boolean retryable() {
    return false;
  }
}
