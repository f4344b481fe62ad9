package dev.llmops.core.prompt;

import dev.llmops.api.Message;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A prompt version rendered with a call's variables. Immutable.
 *
 * @param version the version rendered
 * @param messages the rendered messages, in the version's order
 * @param unusedVariables the variables supplied that no template of the version refers to (a typo
 *     in a variable name shows up here); empty when all were used
 */
public record RenderedPrompt(PromptVersion version, List<Message> messages, Set<String> unusedVariables) {

  /** Checks the components and copies the collections. */
  public RenderedPrompt {
    Objects.requireNonNull(version, "version");
    messages = List.copyOf(messages);
    unusedVariables = Set.copyOf(unusedVariables);
  }
}
