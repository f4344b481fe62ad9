package dev.llmops.eval.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Current windows taken out of a {@link DriftMonitor} ({@link DriftMonitor#takeWindows()}), to be
 * added to another one's ({@link DriftMonitor#merge}): how the replicas of a service pool what they
 * saw so that one monitor compares the service's distributions. Numeric signals travel as
 * HdrHistogram's compressed encoding (readable by HdrHistogram in Java, Go, Python, Rust and
 * JavaScript), categorical ones as their counters. {@link #toJson()} and {@link #fromJson} carry
 * them through any store (a message queue, or a {@link DriftStore}, which {@link
 * DriftMonitor.Builder#share} uses by itself). Immutable.
 */
public final class DriftWindows {
  /** The version of {@link #toJson()}'s format. */
  public static final int FORMAT = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One slice's window of one signal. The array is never compared and never leaves the package. */
  @SuppressWarnings("ArrayRecordComponent")
  record Entry(MonitorKey key, Signal signal, byte[] window) {}

  private final List<Entry> entries;

  DriftWindows(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  List<Entry> entries() {
    return entries;
  }

  /** How many windows (slice and signal pairs) this holds. */
  public int size() {
    return entries.size();
  }

  /** True when no window holds a value. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * The windows as JSON: {@code {"format":1,"windows":[{"feature":..,"prompt":..,"model":..,
   * "variant":..,"signal":"LATENCY_MS","window":"<base64>"}, ...]}}.
   */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    ArrayNode windows = root.putArray("windows");
    for (Entry e : entries) {
      windows.addObject()
          .put("feature", e.key().feature())
          .put("prompt", e.key().prompt())
          .put("model", e.key().model())
          .put("variant", e.key().variant())
          .put("signal", e.signal().name())
          .put("window", Base64.getEncoder().encodeToString(e.window()));
    }
    return root.toString();
  }

  /**
   * Reads what {@link #toJson()} wrote. Each window's content is checked when merged.
   *
   * @throws IllegalArgumentException naming the field when the text is not such JSON
   */
  public static DriftWindows fromJson(String json) {
    Objects.requireNonNull(json, "json");
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("drift windows: not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.path("format").asInt(-1) != FORMAT) {
      throw new IllegalArgumentException("drift windows: 'format' must be " + FORMAT + " but was "
          + (root == null ? "absent" : root.path("format")));
    }
    JsonNode windows = root.path("windows");
    if (!windows.isArray()) {
      throw new IllegalArgumentException("drift windows: 'windows' must be an array");
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      JsonNode w = windows.get(i);
      String at = "drift windows: windows[" + i + "].";
      MonitorKey key = new MonitorKey(text(w, "feature", at), text(w, "prompt", at), text(w, "model", at),
          text(w, "variant", at));
      Signal signal;
      try {
        signal = Signal.valueOf(text(w, "signal", at));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + "signal: unknown signal '" + w.path("signal").asText() + "'", e);
      }
      byte[] window;
      try {
        window = Base64.getDecoder().decode(text(w, "window", at));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + "window: not base64 (" + e.getMessage() + ")", e);
      }
      out.add(new Entry(key, signal, window));
    }
    return new DriftWindows(out);
  }

  private static String text(JsonNode node, String field, String at) {
    JsonNode v = node.path(field);
    if (!v.isTextual()) {
      throw new IllegalArgumentException(at + field + " must be a string");
    }
    return v.asText();
  }

  @Override
  public String toString() {
    return "DriftWindows[" + entries.size() + " windows]";
  }
}
