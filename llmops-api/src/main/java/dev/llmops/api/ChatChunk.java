package dev.llmops.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One piece of a streamed response. Immutable and thread-safe.
 *
 * @param index the position of this chunk in its attempt's stream, from 0
 * @param textDelta the text this chunk adds; may be empty (a usage-only or finish-only chunk)
 * @param finishReason set on the chunk that ends the output; null before
 * @param usage usage reported with this chunk (OpenAI's final usage chunk, Anthropic's {@code
 *     message_delta}); null when the chunk carries none
 */
public record ChatChunk(
    int index, String textDelta, @Nullable FinishReason finishReason, @Nullable Usage usage) {

  /** Checks the components. */
  public ChatChunk {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0 but was " + index);
    }
    Objects.requireNonNull(textDelta, "textDelta");
  }

  /** A text-only chunk. */
  public static ChatChunk text(int index, String textDelta) {
    return new ChatChunk(index, textDelta, null, null);
  }
}
