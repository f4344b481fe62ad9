package dev.llmops.core.sink;

import java.util.List;

/**
 * Receives records in batches, in the order they were accepted: a database writer inserts a batch
 * in one statement. llmops calls it from the thread of the queue in front of it (never from a
 * call's thread), one batch at a time per queue, never concurrently for one queue.
 *
 * <p>A batch whose {@code write} throws is written again, whole, after a backoff, so {@code write}
 * must be atomic (one transaction) or idempotent on the records' natural keys (a ledger record's
 * call id and attempt): a retried batch must never count twice. Records are held until {@code
 * write} returns; do not keep the list.
 *
 * @param <T> the record type
 */
@FunctionalInterface
public interface BatchSink<T> {

  /**
   * Writes {@code batch} (never empty, at most the queue's {@link SinkQueue#maxBatch()} records).
   *
   * @throws Exception if the batch was not written; it is retried with backoff
   */
  void write(List<T> batch) throws Exception;

  /** A sink that discards every batch. */
  static <T> BatchSink<T> noop() {
    return batch -> { };
  }
}
