package dev.llmops.core.prompt;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The prompt step pinned a call to a prompt version and rendered it. Immutable.
 *
 * @param promptName the prompt
 * @param label the label resolved, or null when the call asked for an exact version
 * @param version the version pinned
 * @param contentHash the version's content hash
 * @param unusedVariables names of the variables supplied that no template refers to
 */
public record PromptResolved(
    String promptName, @Nullable String label, int version, String contentHash, Set<String> unusedVariables)
    implements PromptEvent {

  /** Checks the components and copies the set. */
  public PromptResolved {
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
