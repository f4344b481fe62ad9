package dev.llmops.core.sink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How records reach a sink: through a bounded queue in memory, drained by the queue's own thread
 * in batches, so a slow or failing sink never holds up a call. Configures the ledger's queue
 * ({@code Accounting.Builder.ledgerQueue}), the audit log's ({@code AuditLog.Builder.queue}) and
 * the transcript store's ({@code TranscriptStore.Builder.queue}).
 *
 * <pre>{@code
 * SinkQueue.builder()
 *     .capacity(10_000)                               // records held in memory
 *     .overflow(OverflowPolicy.JOURNAL)               // when full: spill to a file ...
 *     .journal(Path.of("/var/lib/app/ledger.journal")) // ... replayed after a restart
 *     .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(30))
 *     .closeTimeout(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 *
 * <p>A failed write is retried after a backoff that doubles from {@link #retryInitialDelay()} up
 * to {@link #retryMaxDelay()} (timed on the owner's clock and scheduler), until it succeeds or
 * {@link #maxAttempts()} is reached; meanwhile new records wait in the queue, and what does not fit
 * is handled by the {@link #overflow() overflow policy}. {@code close()} of the owner waits up to
 * {@link #closeTimeout()} for the queue to empty. Immutable and thread-safe.
 */
public final class SinkQueue {
  private static final SinkQueue DEFAULTS = new Builder().build();

  private final int capacity;
  private final int maxBatch;
  private final OverflowPolicy overflow;
  private final Duration blockTimeout;
  private final @Nullable Path journal;
  private final long journalMaxBytes;
  private final Duration retryInitialDelay;
  private final Duration retryMaxDelay;
  private final int maxAttempts;
  private final Duration closeTimeout;
  private final @Nullable Consumer<SinkEvent> listener;

  private SinkQueue(Builder b) {
    this.capacity = b.capacity;
    this.maxBatch = b.maxBatch;
    this.overflow = b.overflow;
    this.blockTimeout = b.blockTimeout;
    this.journal = b.journal;
    this.journalMaxBytes = b.journalMaxBytes;
    this.retryInitialDelay = b.retryInitialDelay;
    this.retryMaxDelay = b.retryMaxDelay;
    this.maxAttempts = b.maxAttempts;
    this.closeTimeout = b.closeTimeout;
    this.listener = b.listener;
  }

  /**
   * The defaults: 10,000 records, batches of up to 256, {@link OverflowPolicy#DROP} (counted),
   * retries from 100 ms doubling to 30 s with no limit on attempts, 5 s to flush on close.
   */
  public static SinkQueue defaults() {
    return DEFAULTS;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** How many records the queue holds in memory, the batch being written included. */
  public int capacity() {
    return capacity;
  }

  /** The most records handed to a {@link BatchSink} at once; a single-record sink gets one at a time. */
  public int maxBatch() {
    return maxBatch;
  }

  /** What happens to a record offered while the queue is full. */
  public OverflowPolicy overflow() {
    return overflow;
  }

  /** How long {@link OverflowPolicy#BLOCK} waits for room. */
  public Duration blockTimeout() {
    return blockTimeout;
  }

  /** The journal file of {@link OverflowPolicy#JOURNAL}; null for the other policies. */
  public @Nullable Path journal() {
    return journal;
  }

  /** The size the journal file may reach, in bytes; beyond it records are dropped, counted. */
  public long journalMaxBytes() {
    return journalMaxBytes;
  }

  /** The wait before the first retry of a failed write. */
  public Duration retryInitialDelay() {
    return retryInitialDelay;
  }

  /** The longest wait between retries. */
  public Duration retryMaxDelay() {
    return retryMaxDelay;
  }

  /** How many times one batch is written before it is dropped (the first included); 0 for no limit. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** How long {@code close()} waits for the queue to empty. */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** Who receives the queue's {@link SinkEvent}s besides the log; null for nobody. */
  public @Nullable Consumer<SinkEvent> listener() {
    return listener;
  }

  @Override
  public String toString() {
    return "SinkQueue[capacity=" + capacity + ", maxBatch=" + maxBatch + ", overflow=" + overflow
        + (overflow == OverflowPolicy.BLOCK ? ", blockTimeout=" + blockTimeout : "")
        + (journal != null ? ", journal=" + journal + ", journalMaxBytes=" + journalMaxBytes : "")
        + ", retry=" + retryInitialDelay + ".." + retryMaxDelay + ", maxAttempts=" + (maxAttempts == 0 ? "unlimited" : maxAttempts)
        + ", closeTimeout=" + closeTimeout + "]";
  }

  /**
   * Builds a {@link SinkQueue}. Setters validate at once; {@link #build()} checks that a journal is
   * set exactly when the policy is {@link OverflowPolicy#JOURNAL}. Not thread-safe.
   */
  public static final class Builder {
    private int capacity = 10_000;
    private int maxBatch = 256;
    private OverflowPolicy overflow = OverflowPolicy.DROP;
    private Duration blockTimeout = Duration.ofMillis(100);
    private @Nullable Path journal;
    private long journalMaxBytes = 256L << 20;
    private Duration retryInitialDelay = Duration.ofMillis(100);
    private Duration retryMaxDelay = Duration.ofSeconds(30);
    private int maxAttempts;
    private Duration closeTimeout = Duration.ofSeconds(5);
    private @Nullable Consumer<SinkEvent> listener;

    private Builder() {}

    private Builder(SinkQueue q) {
      this.capacity = q.capacity;
      this.maxBatch = q.maxBatch;
      this.overflow = q.overflow;
      this.blockTimeout = q.blockTimeout;
      this.journal = q.journal;
      this.journalMaxBytes = q.journalMaxBytes;
      this.retryInitialDelay = q.retryInitialDelay;
      this.retryMaxDelay = q.retryMaxDelay;
      this.maxAttempts = q.maxAttempts;
      this.closeTimeout = q.closeTimeout;
      this.listener = q.listener;
    }

    /**
     * Sets how many records the queue holds in memory (default 10,000).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder capacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /**
     * Sets the most records per batch (default 256).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxBatch(int maxBatch) {
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be >= 1 but was " + maxBatch);
      }
      this.maxBatch = maxBatch;
      return this;
    }

    /** Sets what happens when the queue is full (default {@link OverflowPolicy#DROP}). */
    public Builder overflow(OverflowPolicy overflow) {
      this.overflow = Objects.requireNonNull(overflow, "overflow");
      return this;
    }

    /**
     * Sets how long {@link OverflowPolicy#BLOCK} waits for room (default 100 ms).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder blockTimeout(Duration blockTimeout) {
      this.blockTimeout = nonNegative(blockTimeout, "blockTimeout");
      return this;
    }

    /**
     * Sets the journal file for {@link OverflowPolicy#JOURNAL}. One queue uses a file at a time
     * (it is locked while open); its parent directories are created when the queue opens.
     */
    public Builder journal(Path journal) {
      this.journal = Objects.requireNonNull(journal, "journal");
      return this;
    }

    /**
     * Sets the size the journal may reach (default 256 MiB).
     *
     * @throws IllegalArgumentException if below 1 KiB
     */
    public Builder journalMaxBytes(long journalMaxBytes) {
      if (journalMaxBytes < 1024) {
        throw new IllegalArgumentException("journalMaxBytes must be >= 1024 but was " + journalMaxBytes);
      }
      this.journalMaxBytes = journalMaxBytes;
      return this;
    }

    /**
     * Sets the first and the longest wait between attempts to write a failed batch (default 100
     * ms doubling up to 30 s).
     *
     * @throws IllegalArgumentException if {@code initial} is not positive or {@code max} is below it
     */
    public Builder retryBackoff(Duration initial, Duration max) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero()) {
        throw new IllegalArgumentException("retry initial delay must be positive but was " + initial);
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("retry max delay " + max + " must be >= the initial delay " + initial);
      }
      this.retryInitialDelay = initial;
      this.retryMaxDelay = max;
      return this;
    }

    /**
     * Sets how many times a batch is written before it is dropped, counted (default 0: no limit;
     * records then wait, and only the overflow policy drops).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 0) {
        throw new IllegalArgumentException("maxAttempts must be >= 0 (0: no limit) but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sets how long {@code close()} waits for the queue to empty (default 5 s; zero: not at all).
     * What is left then goes to the journal, or is dropped, counted.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = nonNegative(closeTimeout, "closeTimeout");
      return this;
    }

    /**
     * Sets who receives the queue's events besides the log (default nobody). It must be fast and
     * must not throw (a throw is caught and logged once).
     */
    public Builder listener(Consumer<SinkEvent> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if the policy is {@link OverflowPolicy#JOURNAL} and no journal
     *     is set, or a journal is set for another policy
     */
    public SinkQueue build() {
      if (overflow == OverflowPolicy.JOURNAL && journal == null) {
        throw new IllegalStateException("overflow JOURNAL needs a journal file: set journal(path)");
      }
      if (overflow != OverflowPolicy.JOURNAL && journal != null) {
        throw new IllegalStateException("a journal file is used only with overflow JOURNAL, but overflow is " + overflow);
      }
      return new SinkQueue(this);
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must be >= 0 but was " + d);
      }
      return d;
    }
  }
}
