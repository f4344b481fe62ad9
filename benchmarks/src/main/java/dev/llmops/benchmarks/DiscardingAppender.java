package dev.llmops.benchmarks;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Logback appender that formats each event's message, as an encoder would, and drops it: the
 * cost of a log line up to the point where bytes would be written. Lock-free (it extends the
 * unsynchronized base, so threads do not serialise on the appender).
 */
public final class DiscardingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private final LongAdder characters = new LongAdder();

  /** Creates the appender; Logback calls this from {@code logback.xml}. */
  public DiscardingAppender() {}

  @Override
  protected void append(ILoggingEvent event) {
    characters.add(event.getFormattedMessage().length());
  }

  /** How many message characters were formatted and dropped. */
  public long characters() {
    return characters.sum();
  }
}
