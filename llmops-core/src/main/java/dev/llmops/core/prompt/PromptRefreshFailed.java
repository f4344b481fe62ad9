package dev.llmops.core.prompt;

import java.time.Instant;
import java.util.Objects;

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
public record PromptRefreshFailed(String promptName, Instant at, String reason, boolean servingFallback)
    implements PromptEvent {

  /** Checks the components. */
  public PromptRefreshFailed {
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
