package dev.llmops.core.sink;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something a sink queue reports besides its counters: records dropped, a failed write, a journal
 * found at start, a journal line that could not be read. Delivered to the queue's {@link
 * SinkQueue#listener() listener} on the thread where it happened (an offering thread or the
 * queue's own), never while the queue is locked. Immutable.
 *
 * @param at when it happened, on the queue's clock
 * @param sink the queue's name ({@code ledger}, {@code audit.0}, {@code transcripts.0})
 * @param kind what happened
 * @param reason why records were dropped, for {@link Kind#DROPPED}; null otherwise
 * @param records how many records it concerns
 * @param detail a short explanation: an exception's class, a journal file and line number; never a
 *     record's content
 */
public record SinkEvent(Instant at, String sink, Kind kind, @Nullable DropReason reason, long records, String detail) {

  /** Checks the components. */
  public SinkEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    if ((kind == Kind.DROPPED) != (reason != null)) {
      throw new IllegalArgumentException("a DROPPED event, and only one, has a reason; kind " + kind + ", reason " + reason);
    }
  }

  /** What a {@link SinkEvent} reports. */
  public enum Kind {
    /** Records were dropped, for {@link SinkEvent#reason()}; they are counted in {@link SinkStats#drops()}. */
    DROPPED,
    /** A write failed; the batch will be retried after a backoff (or dropped, at the last attempt). */
    WRITE_FAILED,
    /** The sink accepted a batch again after failed writes. */
    RECOVERED,
    /** At start, the journal file held records left by an earlier run; they are delivered first. */
    JOURNAL_REPLAYED,
    /**
     * A journal line could not be read back (a line cut by a crash, an edited file); the detail
     * names the file and line number, and the line is copied to {@code <journal>.corrupt}.
     */
    JOURNAL_CORRUPT
  }

  /** Why records were dropped. */
  public enum DropReason {
    /** {@link OverflowPolicy#DROP} and the queue was full. */
    QUEUE_FULL,
    /** {@link OverflowPolicy#BLOCK} and no room came before the deadline. */
    BLOCK_TIMEOUT,
    /** {@link OverflowPolicy#JOURNAL} and the journal file reached its size limit. */
    JOURNAL_FULL,
    /** {@link OverflowPolicy#JOURNAL} and the journal file could not be written. */
    JOURNAL_FAILED,
    /** Every one of {@link SinkQueue#maxAttempts()} writes of the batch failed. */
    RETRIES_EXHAUSTED,
    /**
     * The queue was closed: a record offered after {@code close()}, or left undelivered when the
     * close timeout ran out (with a journal, such records go to the journal instead).
     */
    CLOSED
  }
}
