package dev.llmops.api;

/** Something that can be cancelled: a scheduled task, a stream. */
@FunctionalInterface
public interface Cancellable {

  /**
   * Cancels it, if it has not finished yet. Idempotent and thread-safe.
   *
   * @return true if this call cancelled it, false if it had already finished or been cancelled
   */
  boolean cancel();
}
