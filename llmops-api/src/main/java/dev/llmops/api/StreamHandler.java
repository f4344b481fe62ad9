package dev.llmops.api;

/**
 * Receives the chunks of a streamed call, in order, one at a time (never concurrently).
 *
 * <p>Called on the thread that received the chunk (a provider's I/O thread or a scheduler thread):
 * must be fast and must not block. An exception it throws cancels the call.
 */
@FunctionalInterface
public interface StreamHandler {

  /** A handler that ignores every chunk. */
  StreamHandler IGNORE = chunk -> {};

  /** Receives the next chunk. */
  void onChunk(ChatChunk chunk);
}
