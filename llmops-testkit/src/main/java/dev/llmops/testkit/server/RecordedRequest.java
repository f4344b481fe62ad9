package dev.llmops.testkit.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request a {@link FakeOpenAiServer} received. Immutable; {@link #toString()} masks
 * credential headers.
 *
 * @param method the HTTP method
 * @param path the request path, such as {@code /v1/chat/completions}
 * @param query the raw query string, or empty
 * @param headers the headers by lower-case name
 * @param body the body as UTF-8 text
 */
public record RecordedRequest(
    String method, String path, String query, Map<String, List<String>> headers, String body) {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> CREDENTIALS = Set.of("authorization", "x-api-key", "api-key");

  /** Checks the components and copies the headers under lower-case names. */
  public RecordedRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(body, "body");
    Map<String, List<String>> copy = new TreeMap<>();
    headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    headers = Map.copyOf(copy);
  }

  /** The first value of header {@code name} (case-insensitive), or null. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * The body parsed as JSON.
   *
   * @throws UncheckedIOException if it is not JSON
   */
  public JsonNode json() {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("the recorded request body is not JSON", e);
    }
  }

  /** True when the body asked for a stream ({@code "stream": true}). */
  public boolean streaming() {
    JsonNode stream = json().get("stream");
    return stream != null && stream.asBoolean(false);
  }

  @Override
  public String toString() {
    Map<String, Object> shown = new TreeMap<>();
    headers.forEach((k, v) -> shown.put(k, CREDENTIALS.contains(k) ? "****" : v));
    return "RecordedRequest[" + method + " " + path + (query.isEmpty() ? "" : "?" + query)
        + ", headers=" + shown + ", body=" + body.length() + " chars]";
  }
}
