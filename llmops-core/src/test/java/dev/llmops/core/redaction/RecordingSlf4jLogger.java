package dev.llmops.core.redaction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;

/** An SLF4J logger that keeps what reaches the backend, enabled from {@code threshold} up. */
final class RecordingSlf4jLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  /** One line as the backend received it. */
  record Line(Level level, String pattern, List<@Nullable Object> args, @Nullable Throwable cause) {}

  private final Level threshold;
  final transient List<Line> lines = new ArrayList<>();

  RecordingSlf4jLogger(Level threshold) {
    this.threshold = threshold;
    this.name = "recording";
  }

  private boolean on(Level level) {
    return level.toInt() >= threshold.toInt();
  }

  @Override
  public boolean isTraceEnabled() {
    return on(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return on(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return on(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return on(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return on(Level.ERROR);
  }

  @Override
  protected @Nullable String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, @Nullable Marker marker, String pattern, @Nullable Object @Nullable [] args, @Nullable Throwable cause) {
    lines.add(new Line(level, pattern, args == null ? List.of() : Arrays.asList(args.clone()), cause));
  }
}
