package dev.llmops.core.sink;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one sink queue's counters, all taken at one instant, so that they balance:
 * {@code offered + replayed == delivered + dropped() + corruptLines + depth + journaled}. Counters
 * count records, from the queue's start. Immutable.
 *
 * @param name the queue's name ({@code ledger}, {@code audit.0}, {@code transcripts.0})
 * @param overflow the queue's overflow policy
 * @param capacity how many records the queue holds in memory
 * @param depth records in memory now, the batch being written included
 * @param journaled records in the journal file not yet read back
 * @param offered records offered by this process
 * @param replayed records found in the journal file at start (left by an earlier run)
 * @param delivered records the sink accepted
 * @param drops records dropped, by reason (every reason present, zero when none)
 * @param failures writes that threw (and reads of the journal that failed)
 * @param retries writes scheduled again after a failure
 * @param corruptLines journal lines that could not be read back
 */
public record SinkStats(
    String name,
    OverflowPolicy overflow,
    int capacity,
    int depth,
    long journaled,
    long offered,
    long replayed,
    long delivered,
    Map<SinkEvent.DropReason, Long> drops,
    long failures,
    long retries,
    long corruptLines) {

  /** Checks the components and copies the map (in reason order), filling in absent reasons with zero. */
  public SinkStats {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(overflow, "overflow");
    EnumMap<SinkEvent.DropReason, Long> all = new EnumMap<>(SinkEvent.DropReason.class);
    for (SinkEvent.DropReason r : SinkEvent.DropReason.values()) {
      all.put(r, drops.getOrDefault(r, 0L));
    }
    drops = Collections.unmodifiableMap(all);
  }

  /** Records dropped, for any reason. */
  public long dropped() {
    long sum = 0;
    for (long n : drops.values()) {
      sum += n;
    }
    return sum;
  }

  /** Records waiting: in memory plus in the journal. */
  public long pending() {
    return depth + journaled;
  }
}
