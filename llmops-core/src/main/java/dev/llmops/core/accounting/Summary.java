package dev.llmops.core.accounting;

import dev.llmops.api.Money;
import dev.llmops.api.Usage;

/**
 * Totals over a group of ledger records. Immutable.
 *
 * @param records how many records
 * @param usage the summed usage (estimated if any part was)
 * @param cost the summed known costs
 * @param unknownCostRecords how many records had an unknown cost (not included in {@code cost})
 * @param saved the summed cost saved by cache hits
 */
public record Summary(long records, Usage usage, Money cost, long unknownCostRecords, Money saved) {

  /** No records. */
  public static final Summary EMPTY = new Summary(0, Usage.ZERO, Money.ZERO, 0, Money.ZERO);

  /** This summary with one more record. */
  public Summary plus(LedgerRecord r) {
    Money s = r.saved();
    return new Summary(
        records + 1,
        usage.plus(r.usage()),
        r.cost().known() ? cost.plus(r.cost().amount().orElse(Money.ZERO)) : cost,
        r.cost().known() ? unknownCostRecords : unknownCostRecords + 1,
        s == null ? saved : saved.plus(s));
  }
}
