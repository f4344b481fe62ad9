package dev.llmops.core.accounting;

import dev.llmops.api.ConfigurationException;
import dev.llmops.core.pipeline.Wiring;
import dev.llmops.core.sink.internal.RecordQueue;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Opens what the accounting step of one client writes ledger records to: the client's ledger
 * queue in front of the application's sink, or an in-memory ledger directly.
 */
final class LedgerQueues {
  /** The name of the ledger's queue in stats, events and metrics. */
  static final String NAME = "ledger";

  private LedgerQueues() {}

  /**
   * Where the accounting step of the client being wired puts records. A queue is closed with the
   * client and its stats are the client's.
   *
   * @throws ConfigurationException if the queue's journal cannot be opened
   */
  static Consumer<LedgerRecord> open(Accounting accounting, Wiring wiring) {
    LedgerSink sink = accounting.ledger();
    if (sink instanceof InMemoryLedger || sink instanceof NoLedger) {
      return sink::record; // a lock-free append in memory: nothing to wait for, nothing to retry
    }
    RecordQueue<LedgerRecord> queue;
    try {
      queue = sink instanceof BatchedLedger b
          ? RecordQueue.open(NAME, accounting.ledgerQueue(), b.sink, false, LedgerRecordCodec.INSTANCE, wiring.clock(),
              wiring.scheduler())
          : RecordQueue.open(NAME, accounting.ledgerQueue(), (List<LedgerRecord> batch) -> sink.record(batch.get(0)), true,
              LedgerRecordCodec.INSTANCE, wiring.clock(), wiring.scheduler());
    } catch (IllegalStateException | UncheckedIOException e) {
      throw new ConfigurationException("accounting ledger queue: " + e.getMessage());
    }
    wiring.closeOnClose(queue);
    wiring.sinkStats(queue::stats);
    return queue::offer;
  }
}
