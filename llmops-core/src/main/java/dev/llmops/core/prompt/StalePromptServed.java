package dev.llmops.core.prompt;

import java.time.Instant;
import java.util.Objects;

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
public record StalePromptServed(String promptName, int version, Instant staleSince, String reason, boolean fallback)
    implements PromptEvent {

  /** Checks the components. */
  public StalePromptServed {
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
