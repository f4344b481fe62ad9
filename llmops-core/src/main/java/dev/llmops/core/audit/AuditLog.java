package dev.llmops.core.audit;

import dev.llmops.api.audit.AuditEvent;
import dev.llmops.api.audit.AuditSink;
import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.core.redaction.Redactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The audit trail: writes each {@link AuditEvent} as a structured INFO entry (key-value pairs
 * {@code audit.action}, {@code audit.target}, {@code audit.actor}, {@code audit.before}, {@code
 * audit.after}, {@code audit.<detail>}) to the logger {@value #LOGGER_NAME}, redacted, and forwards
 * it to further {@link AuditSink}s (a database, a SIEM).
 *
 * <pre>{@code
 * AuditLog audit = AuditLog.builder().sink(mySiemSink).build();
 * registry.auditTo(audit);   // components that change configuration take an AuditSink
 * }</pre>
 *
 * <p>A sink that throws is counted and skipped; the others still receive the event. Immutable
 * and thread-safe.
 */
public final class AuditLog implements AuditSink {
  /** The name of the dedicated logger. */
  public static final String LOGGER_NAME = "llmops.audit";

  private final RedactingLogger log;
  private final List<AuditSink> sinks;
  private final LongAdder sinkFailures = new LongAdder();

  private AuditLog(Builder b) {
    this.log = RedactingLogger.of(LoggerFactory.getLogger(LOGGER_NAME), b.redactor);
    this.sinks = List.copyOf(b.sinks);
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
    for (AuditSink sink : sinks) {
      try {
        sink.record(event);
      } catch (RuntimeException e) {
        sinkFailures.increment();
        log.warn("audit sink {} threw; the event was still logged", sink.getClass().getName(), e);
      }
    }
  }

  /** How many times a sink threw. */
  public long sinkFailures() {
    return sinkFailures.sum();
  }

  /** Builds an {@link AuditLog}. Not thread-safe. */
  public static final class Builder {
    private final List<AuditSink> sinks = new ArrayList<>();
    private Redactor redactor = Redactor.defaults();

    private Builder() {}

    /** Forwards every event to {@code sink} too, in the order added. */
    public Builder sink(AuditSink sink) {
      sinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /** Sets the redactor of logged values (default {@link Redactor#defaults()}). */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /** Builds the audit log. */
    public AuditLog build() {
      return new AuditLog(this);
    }
  }
}
