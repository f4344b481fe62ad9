package dev.llmops.core.sink;

/**
 * What a sink queue does with a record offered while it holds {@link SinkQueue#capacity()}
 * records. Every record it does not keep is counted in {@link SinkStats#drops()} and reported as a
 * {@link SinkEvent.Kind#DROPPED} event; none is lost silently.
 */
public enum OverflowPolicy {
  /**
   * Waits for room on the offering thread, up to {@link SinkQueue#blockTimeout()}, then drops the
   * record ({@link SinkEvent.DropReason#BLOCK_TIMEOUT}). Trades the latency of the call whose
   * attempt ended (its caller, the HTTP client's or the client's scheduler thread) for records.
   */
  BLOCK,
  /**
   * Appends the record to the queue's {@link SinkQueue#journal() journal file} and reads it back
   * when there is room, so nothing is lost while the sink is down or slow; drops only when the
   * journal reaches {@link SinkQueue#journalMaxBytes()} or cannot be written.
   */
  JOURNAL,
  /** Drops the record at once ({@link SinkEvent.DropReason#QUEUE_FULL}); never waits. */
  DROP
}
