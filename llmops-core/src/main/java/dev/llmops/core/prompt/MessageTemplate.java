package dev.llmops.core.prompt;

import dev.llmops.api.Role;
import java.util.Objects;

/**
 * One chat message of a prompt version, as a Mustache template. Immutable.
 *
 * @param role {@link Role#SYSTEM}, {@link Role#USER} or {@link Role#ASSISTANT}
 * @param template the message text with {@code {{variables}}} and {@code {{#sections}}}
 */
public record MessageTemplate(Role role, String template) {

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException for a {@link Role#TOOL} message, which a prompt cannot hold
   */
  public MessageTemplate {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(template, "template");
    if (role == Role.TOOL) {
      throw new IllegalArgumentException("a prompt message must be system, user or assistant, not tool");
    }
  }
}
