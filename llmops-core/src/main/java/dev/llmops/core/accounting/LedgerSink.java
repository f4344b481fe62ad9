package dev.llmops.core.accounting;

/**
 * Where ledger records go: a database, a queue, a billing system. Implementations must be
 * thread-safe, fast and must not block or throw: records arrive on the thread that ended the
 * attempt (a provider's I/O thread, a scheduler's). A sink that throws is caught and logged once;
 * the call goes on.
 */
@FunctionalInterface
public interface LedgerSink {

  /** Receives one record. Called exactly once per attempt that reached a provider and per cache hit. */
  void record(LedgerRecord record);

  /** A sink that drops every record. */
  static LedgerSink noop() {
    return NoLedger.INSTANCE;
  }
}
