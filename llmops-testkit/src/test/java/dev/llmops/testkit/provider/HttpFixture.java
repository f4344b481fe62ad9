package dev.llmops.testkit.provider;

import dev.llmops.testkit.server.ScriptedResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A full HTTP response written out as text (status line, headers, blank line, body), served as is. */
record HttpFixture(int status, Map<String, String> headers, String body) {

  static HttpFixture read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
    int split = text.indexOf("\n\n");
    String head = text.substring(0, split);
    String body = text.substring(split + 2);
    String[] lines = head.split("\n", -1);
    String[] status = lines[0].trim().split(" ", -1);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
    }
    return new HttpFixture(Integer.parseInt(status[1]), headers, body);
  }

  ScriptedResponse response() {
    ScriptedResponse r = ScriptedResponse.raw(status, headers.getOrDefault("content-type", "application/json"), body);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (!h.getKey().equalsIgnoreCase("content-type")) {
        r = r.withHeader(h.getKey(), h.getValue());
      }
    }
    return r;
  }
}
