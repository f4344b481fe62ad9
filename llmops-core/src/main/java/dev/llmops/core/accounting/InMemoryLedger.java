package dev.llmops.core.accounting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A ledger kept in memory, with totals and summaries by any attribute. For tests, small services
 * and dashboards; it keeps every record, so production services send records to a store of their
 * own through {@link LedgerSink}. Thread-safe; recording is lock-free.
 */
public final class InMemoryLedger implements LedgerSink {
  private final ConcurrentLinkedQueue<LedgerRecord> records = new ConcurrentLinkedQueue<>();

  private InMemoryLedger() {}

  /** An empty ledger. */
  public static InMemoryLedger create() {
    return new InMemoryLedger();
  }

  @Override
  public void record(LedgerRecord record) {
    records.add(Objects.requireNonNull(record, "record"));
  }

  /** Every record so far, in the order recorded. */
  public List<LedgerRecord> records() {
    return new ArrayList<>(records);
  }

  /** How many records so far. */
  public int size() {
    return records.size();
  }

  /** Totals over all records. */
  public Summary total() {
    Summary s = Summary.EMPTY;
    for (LedgerRecord r : records) {
      s = s.plus(r);
    }
    return s;
  }

  /** Totals grouped by {@code dimension}, keys sorted. */
  public Map<String, Summary> summarize(Dimension dimension) {
    Objects.requireNonNull(dimension, "dimension");
    return summarize(dimension::of);
  }

  /** Totals grouped by any key of a record (for example a combination of dimensions), keys sorted. */
  public Map<String, Summary> summarize(Function<LedgerRecord, String> groupBy) {
    Objects.requireNonNull(groupBy, "groupBy");
    Map<String, Summary> out = new TreeMap<>();
    for (LedgerRecord r : records) {
      out.merge(groupBy.apply(r), Summary.EMPTY.plus(r), (a, b) -> sumOf(a, b));
    }
    return out;
  }

  private static Summary sumOf(Summary a, Summary b) {
    return new Summary(
        a.records() + b.records(),
        a.usage().plus(b.usage()),
        a.cost().plus(b.cost()),
        a.unknownCostRecords() + b.unknownCostRecords(),
        a.saved().plus(b.saved()));
  }

  /** Forgets every record. */
  public void clear() {
    records.clear();
  }
}
