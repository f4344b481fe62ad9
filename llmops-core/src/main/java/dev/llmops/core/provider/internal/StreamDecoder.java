package dev.llmops.core.provider.internal;

import dev.llmops.api.ChatResponse;
import dev.llmops.api.StreamInterruptedException;
import org.jspecify.annotations.Nullable;

/**
 * Turns one provider's server-sent events into chunks (emitted on the attempt's exchange) and,
 * at the end, the aggregate response. One decoder per stream; called by one thread at a time.
 */
public interface StreamDecoder {

  /**
   * Handles one event.
   *
   * @throws dev.llmops.api.LlmException (usually a {@link StreamInterruptedException}) to end the
   *     stream with it: malformed JSON, an error event
   */
  void onEvent(@Nullable String event, String data);

  /** True once the provider's terminal event arrived ({@code [DONE]}, {@code message_stop}). */
  boolean complete();

  /**
   * The aggregate response of a finished stream.
   *
   * @throws StreamInterruptedException if the stream ended before its terminal event or without a
   *     finish reason, carrying the partial text and usage so far
   */
  ChatResponse finish();

  /** The failure for a stream broken by {@code cause}, with the partial text and usage so far. */
  StreamInterruptedException interrupted(String reason, String errorCode, @Nullable Throwable cause);
}
