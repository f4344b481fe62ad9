package dev.llmops.api.spi;

import dev.llmops.api.ChatChunk;
import dev.llmops.api.StreamHandler;

/**
 * The channel between the pipeline and a {@link ChatModel} for one attempt: whether to stream,
 * where chunks go, and how the attempt is cancelled.
 *
 * <p>Implementations are thread-safe.
 */
public interface ModelExchange {

  /** True when the model should stream and {@link #emit} each chunk as it arrives. */
  boolean streaming();

  /**
   * Delivers the next chunk of a streaming attempt, in order and never concurrently. Does nothing
   * after the attempt was cancelled.
   */
  void emit(ChatChunk chunk);

  /**
   * Registers what to do when the attempt is cancelled (abort the HTTP exchange, cancel a
   * scheduled task). Runs {@code action} at once if the attempt is already cancelled; actions run
   * at most once.
   */
  void onCancel(Runnable action);

  /** True once the attempt was cancelled. */
  boolean cancelled();

  /** An exchange for a direct, non-streaming call that is never cancelled. */
  static ModelExchange unary() {
    return SimpleExchange.UNARY;
  }

  /** An exchange for a direct streaming call delivering chunks to {@code handler}. */
  static ModelExchange streaming(StreamHandler handler) {
    return new SimpleExchange(true, handler);
  }
}
