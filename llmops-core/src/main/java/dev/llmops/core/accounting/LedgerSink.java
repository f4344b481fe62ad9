package dev.llmops.core.accounting;

import dev.llmops.core.sink.BatchSink;
import java.util.Objects;

/**
 * Where ledger records go: a database, a queue, a billing system. A sink set with {@code
 * Accounting.Builder.ledger} is called from the ledger queue's own thread, one record at a time,
 * never on a call's thread: it may be slow, and when it throws the record is written again after a
 * backoff (see {@link dev.llmops.core.sink.SinkQueue}). Records come in the order attempts ended.
 * For writes of many rows at once, implement {@link BatchSink} and pass {@link #batched}. (The
 * library's {@link InMemoryLedger} and {@link #noop()} are written in place, on the call's thread.)
 */
@FunctionalInterface
public interface LedgerSink {

  /**
   * Receives one record: exactly one per attempt that reached a provider and per cache hit. A
   * record is given again after this throws, so it should be idempotent on (call id, attempt).
   */
  void record(LedgerRecord record);

  /** A sink that drops every record. */
  static LedgerSink noop() {
    return NoLedger.INSTANCE;
  }

  /**
   * A ledger sink that receives records in batches of up to the queue's {@code maxBatch}: a failed
   * batch is written again whole, so {@code sink} writes it atomically or idempotently on (call
   * id, attempt).
   */
  static LedgerSink batched(BatchSink<LedgerRecord> sink) {
    return new BatchedLedger(Objects.requireNonNull(sink, "sink"));
  }
}
