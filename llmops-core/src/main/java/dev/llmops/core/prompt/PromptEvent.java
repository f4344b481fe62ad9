package dev.llmops.core.prompt;

import dev.llmops.api.CallEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An event of the prompt registry. {@link Resolved} and {@link StaleServed} are published to the
 * call's listeners by the prompt step ({@link dev.llmops.api.CallListener#onEvent}); {@link
 * LabelMoved} and {@link RefreshFailed} happen outside any call and go to the registry's {@link
 * PromptEventListener}s. No event carries template text or variable values.
 */
public sealed interface PromptEvent extends CallEvent {

  /**
   * The prompt step pinned a call to a prompt version and rendered it. Immutable.
   *
   * @param promptName the prompt
   * @param label the label resolved, or null when the call asked for an exact version
   * @param version the version pinned
   * @param contentHash the version's content hash
   * @param unusedVariables names of the variables supplied that no template refers to
   */
  record Resolved(
      String promptName, @Nullable String label, int version, String contentHash, Set<String> unusedVariables)
      implements PromptEvent {

    /** Checks the components and copies the set. */
    public Resolved {
      Objects.requireNonNull(promptName, "promptName");
      Objects.requireNonNull(contentHash, "contentHash");
      unusedVariables = Set.copyOf(unusedVariables);
    }

    /** {@code llmops.prompt.resolved}. */
    @Override
    public String name() {
      return "llmops.prompt.resolved";
    }
  }

  /**
   * A call was served a prompt the registry could not refresh: the last good version while the
   * source fails (stale-if-error), or the application's fallback prompt when nothing was ever
   * loaded. Immutable.
   *
   * @param promptName the prompt
   * @param version the version served
   * @param staleSince when the source first failed to refresh it
   * @param reason why, naming the exception type (and the file and key for a configuration error)
   * @param fallback true when the version served is the application's fallback
   */
  record StaleServed(String promptName, int version, Instant staleSince, String reason, boolean fallback)
      implements PromptEvent {

    /** Checks the components. */
    public StaleServed {
      Objects.requireNonNull(promptName, "promptName");
      Objects.requireNonNull(staleSince, "staleSince");
      Objects.requireNonNull(reason, "reason");
    }

    /** {@code llmops.prompt.stale_served}. */
    @Override
    public String name() {
      return "llmops.prompt.stale_served";
    }
  }

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
  record LabelMoved(
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
    public LabelMoved {
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

  /**
   * Loading or refreshing a prompt from its source failed; the registry keeps serving the last good
   * version (or the fallback prompt). Immutable.
   *
   * @param promptName the prompt
   * @param at when, on the registry's clock
   * @param reason why, naming the exception type (and the file and key for a configuration error)
   * @param servingFallback true if the registry serves the application's fallback prompt because
   *     nothing was ever loaded
   */
  record RefreshFailed(String promptName, Instant at, String reason, boolean servingFallback)
      implements PromptEvent {

    /** Checks the components. */
    public RefreshFailed {
      Objects.requireNonNull(promptName, "promptName");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(reason, "reason");
    }

    /** {@code llmops.prompt.refresh_failed}. */
    @Override
    public String name() {
      return "llmops.prompt.refresh_failed";
    }
  }
}
