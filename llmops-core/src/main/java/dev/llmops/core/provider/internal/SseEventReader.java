package dev.llmops.core.provider.internal;

import org.jspecify.annotations.Nullable;

/**
 * Assembles server-sent events from lines, as the HTML standard's event-stream format defines:
 * {@code event:} names the event, {@code data:} lines (joined with a newline) carry its data, a
 * blank line dispatches it, lines starting with {@code :} are comments; {@code id:} and {@code
 * retry:} are ignored. One optional space after the colon is removed. An event still pending at
 * the end of the body is dispatched too (some servers omit the last blank line).
 *
 * <p>Not thread-safe: one reader per stream, fed lines in order.
 */
public final class SseEventReader {
  /** Receives each complete event. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Handles one event.
     *
     * @param event the {@code event:} name, or null when the event had none
     * @param data the event's data
     */
    void onEvent(@Nullable String event, String data);
  }

  private final Listener listener;
  private @Nullable String event;
  private @Nullable String data;
  private @Nullable StringBuilder moreData;

  /** A reader delivering events to {@code listener}. */
  public SseEventReader(Listener listener) {
    this.listener = listener;
  }

  /** Feeds one line, without its line terminator. */
  public void line(String line) {
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.charAt(0) == ':') {
      return;
    }
    // The two fields the adapters use are matched in place, without cutting out the field name.
    if (line.startsWith("data")) {
      appendData(valueAfter(line, 4));
    } else if (line.startsWith("event")) {
      String value = valueAfter(line, 5);
      if (value != null) {
        event = value;
      }
    }
    // id, retry and unknown fields carry nothing the adapters use
  }

  /**
   * The value of a line whose field name is {@code line[0, nameLength)}: after the colon and one
   * optional space; empty for a bare field name; null when the name is only a prefix of a longer
   * field name (such as {@code database:}).
   */
  private static @Nullable String valueAfter(String line, int nameLength) {
    if (line.length() == nameLength) {
      return "";
    }
    if (line.charAt(nameLength) != ':') {
      return null;
    }
    int start = nameLength + 1;
    if (start < line.length() && line.charAt(start) == ' ') {
      start++;
    }
    return line.substring(start);
  }

  /** Ends the body: dispatches an event still pending. */
  public void end() {
    dispatch();
  }

  private void appendData(@Nullable String value) {
    if (value == null) {
      return;
    }
    if (data == null) {
      data = value;
    } else {
      StringBuilder sb = moreData;
      if (sb == null) {
        sb = new StringBuilder(data);
        moreData = sb;
      }
      sb.append('\n').append(value);
    }
  }

  private void dispatch() {
    String d = data;
    String e = event;
    StringBuilder sb = moreData;
    data = null;
    event = null;
    moreData = null;
    if (d != null) {
      listener.onEvent(e, sb != null ? sb.toString() : d);
    }
  }
}
