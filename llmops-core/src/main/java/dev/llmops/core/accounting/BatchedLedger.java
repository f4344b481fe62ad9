package dev.llmops.core.accounting;

import dev.llmops.core.sink.BatchSink;
import java.util.List;

/**
 * The sink of {@link LedgerSink#batched}: the ledger queue hands it batches; a direct {@link
 * #record} writes a batch of one.
 */
final class BatchedLedger implements LedgerSink {
  final BatchSink<LedgerRecord> sink;

  BatchedLedger(BatchSink<LedgerRecord> sink) {
    this.sink = sink;
  }

  @Override
  public void record(LedgerRecord record) {
    try {
      sink.write(List.of(record));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("batch ledger sink " + sink.getClass().getName() + " failed", e);
    }
  }

  @Override
  public String toString() {
    return "LedgerSink.batched(" + sink + ")";
  }
}
