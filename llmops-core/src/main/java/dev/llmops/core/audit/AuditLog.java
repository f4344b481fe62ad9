package dev.llmops.core.audit;

import dev.llmops.api.audit.AuditEvent;
import dev.llmops.api.audit.AuditSink;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.core.sink.BatchSink;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.sink.SinkStats;
import dev.llmops.core.sink.internal.RecordQueues;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The audit trail: writes each {@link AuditEvent} as a structured INFO entry (key-value pairs
 * {@code audit.action}, {@code audit.target}, {@code audit.actor}, {@code audit.before}, {@code
 * audit.after}, {@code audit.<detail>}) to the logger {@value #LOGGER_NAME}, redacted, and forwards
 * it to further sinks (a database, a SIEM).
 *
 * <pre>{@code
 * AuditLog audit = AuditLog.builder().sink(mySiemSink).build();
 * registry.auditTo(audit);   // components that change configuration take an AuditSink
 * audit.close();             // flushes the sinks' queues
 * }</pre>
 *
 * <p>The log entry is written on the thread that made the change. Each further sink has a bounded
 * queue of its own ({@link Builder#queue}, named {@code audit.0}, {@code audit.1}, ... in the
 * order added), drained by the queue's thread: a slow sink never holds up the change, a sink that
 * throws gets the event again after a backoff, and one sink's trouble never delays another's.
 * {@link #close()} flushes the queues. Thread-safe.
 */
public final class AuditLog implements AuditSink, AutoCloseable {
  /** The name of the dedicated logger. */
  public static final String LOGGER_NAME = "llmops.audit";

  private final RedactingLogger log;
  private final RecordQueues<AuditEvent> queues;

  private AuditLog(Builder b) {
    this.log = RedactingLogger.of(LoggerFactory.getLogger(LOGGER_NAME), b.redactor);
    this.queues = RecordQueues.open("audit", b.queue, b.targets, AuditEventCodec.INSTANCE, b.clock, b.scheduler);
  }

  /** An audit log writing to {@value #LOGGER_NAME} only. */
  public static AuditLog create() {
    return builder().build();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    RedactingLogger.Entry entry = log.at(Level.INFO)
        .kv("audit.at", event.at().toString())
        .kv("audit.action", event.action())
        .kv("audit.target", event.target())
        .kv("audit.actor", event.actor())
        .kv("audit.before", event.before())
        .kv("audit.after", event.after());
    for (Map.Entry<String, String> d : event.details().entrySet()) {
      entry.kv("audit." + d.getKey(), d.getValue());
    }
    entry.log("audit {} {}: {} -> {}", event.action(), event.target(), event.before(), event.after());
    queues.offer(event);
  }

  /** How many times a sink's write threw, over all sinks (each such write is retried). */
  public long sinkFailures() {
    long sum = 0;
    for (SinkStats s : queues.stats()) {
      sum += s.failures();
    }
    return sum;
  }

  /** The counters of each sink's queue, in the order the sinks were added. */
  public List<SinkStats> sinkStats() {
    return queues.stats();
  }

  /**
   * Flushes and closes the sinks' queues, each waiting up to its close timeout; events recorded
   * later are still logged, and journaled or dropped (counted) for the sinks. Idempotent.
   */
  @Override
  public void close() {
    queues.close();
  }

  /** Builds an {@link AuditLog}. Not thread-safe. */
  public static final class Builder {
    private final List<RecordQueues.Target<AuditEvent>> targets = new ArrayList<>();
    private Redactor redactor = Redactor.defaults();
    private SinkQueue queue = SinkQueue.defaults();
    private Clock clock = Clock.systemUTC();
    private @Nullable TaskScheduler scheduler;

    private Builder() {}

    /**
     * Forwards every event to {@code sink} too, one at a time through a queue of its own, in the
     * order added. An event is given again after the sink throws.
     */
    public Builder sink(AuditSink sink) {
      Objects.requireNonNull(sink, "sink");
      targets.add(new RecordQueues.Target<>(batch -> sink.record(batch.get(0)), true));
      return this;
    }

    /**
     * Forwards events to {@code sink} in batches, through a queue of its own, in the order added
     * among all sinks. A batch is given again whole after the sink throws.
     */
    public Builder batchSink(BatchSink<AuditEvent> sink) {
      targets.add(new RecordQueues.Target<>(Objects.requireNonNull(sink, "sink"), false));
      return this;
    }

    /**
     * Sets the queue of each sink (default {@link SinkQueue#defaults()}). With a journal file, the
     * first sink's queue uses the file as named, the n-th ({@code n >= 1}) adds {@code .n}.
     */
    public Builder queue(SinkQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /** Sets the clock of the queues' deadlines and events (default {@link Clock#systemUTC()}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets where the queues' retry delays run (default: each queue's own thread). */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Sets the redactor of logged values (default {@link Redactor#defaults()}). */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /**
     * Builds the audit log, opening one queue per sink (their threads start on first use).
     *
     * @throws IllegalStateException if a queue's journal file is held by another queue
     * @throws java.io.UncheckedIOException if a queue's journal file cannot be opened or read
     */
    public AuditLog build() {
      return new AuditLog(this);
    }
  }
}
