package dev.llmops.core.accounting;

/**
 * The sink of {@link LedgerSink#noop()}: drops every record. A type of its own so that the
 * accounting step can tell it apart and not build records nobody reads.
 */
final class NoLedger implements LedgerSink {
  static final NoLedger INSTANCE = new NoLedger();

  private NoLedger() {}

  @Override
  public void record(LedgerRecord record) {}
}
