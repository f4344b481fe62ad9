package dev.llmops.core.pipeline;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.Message;
import java.util.List;
import java.util.Map;

/**
 * What the prompt step rendered for a call, recorded on the call under {@link #KEY}, so that a
 * later step (the cache) can key the call on what produced its messages (prompt, version, content
 * hash, variables) instead of hashing the rendered text, without knowing the prompt step. A later
 * step tells that the messages it sees are still these by identity: {@code request.messages() ==
 * messages()}.
 *
 * @param promptName the prompt's name
 * @param version the pinned version
 * @param contentHash the version's content hash
 * @param renderedCount how many of {@code messages}, from the first, the templates rendered (the
 *     rest came with the request)
 * @param variables the variables the templates were rendered with
 * @param messages the request's messages as the prompt step produced them
 */
public record Rendering(
    String promptName, int version, String contentHash, int renderedCount, Map<String, Object> variables,
    List<Message> messages) {

  /** The call attribute the prompt step records. */
  public static final AttributeKey<Rendering> KEY = AttributeKey.internal("llmops.prompt.rendering", Rendering.class);
}
