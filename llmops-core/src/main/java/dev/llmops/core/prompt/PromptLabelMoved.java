package dev.llmops.core.prompt;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A label was moved to another version, through {@link PromptRegistry#promote} or {@link
 * PromptRegistry#rollback}: the audit record of who moved what, when, from where to where.
 * Immutable.
 *
 * @param promptName the prompt
 * @param label the label moved
 * @param fromVersion the version it pointed at before, or null if it is a new label
 * @param toVersion the version it points at now
 * @param actor who moved it, as the application named them
 * @param at when, on the registry's clock
 * @param rollback true for a rollback, false for a promotion
 * @param persisted true if the source stored the move; false if only this process knows it
 */
public record PromptLabelMoved(
    String promptName,
    String label,
    @Nullable Integer fromVersion,
    int toVersion,
    String actor,
    Instant at,
    boolean rollback,
    boolean persisted)
    implements PromptEvent {

  /** Checks the components. */
  public PromptLabelMoved {
    Objects.requireNonNull(promptName, "promptName");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(at, "at");
  }

  /** {@code llmops.prompt.label_moved}. */
  @Override
  public String name() {
    return "llmops.prompt.label_moved";
  }
}
