package dev.llmops.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol (a WebSocket): opens a
 * page, records what a person would see in the console (console.error/warn calls, uncaught
 * exceptions, browser log errors such as failed loads) and every network request that is not the
 * page's own file, evaluates expressions, takes screenshots.
 *
 * <p>Absent Chromium, the calling test is skipped with how to install it; with {@code
 * -Dllmops.requireChromium=true} (CI) it fails instead. Waits are bounded awaits on the protocol's
 * replies, never sleeps.
 */
final class HeadlessChromium implements AutoCloseable {
  static final String REQUIRE_PROPERTY = "llmops.requireChromium";
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<JsonNode>> waiters = new CopyOnWriteArrayList<>();
  private final List<String> waitingFor = new CopyOnWriteArrayList<>();
  private String session = "";

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** The installed Chromium, or the test skips (fails under CI) saying how to install it. */
  static Path executable() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator, -1)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    String message = "Chromium is not installed (no chromium on the PATH): install it with "
        + "'apt-get update && apt-get install -y chromium' to run the browser checks of the HTML report";
    if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
      throw new IllegalStateException(message + " (required: -D" + REQUIRE_PROPERTY + "=true)");
    }
    Assumptions.abort(message + "; test skipped");
    throw new AssertionError("unreachable");
  }

  /** Starts Chromium headless with a fresh profile and opens a blank page to drive. */
  static HeadlessChromium start() throws Exception {
    Path exe = executable();
    Path profile = Files.createTempDirectory("llmops-chromium-");
    Process p = new ProcessBuilder(exe.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    CompletableFuture<String> endpoint = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = err.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            endpoint.complete(m.group(1));
          }
        }
        endpoint.completeExceptionally(new IllegalStateException("chromium exited without a DevTools endpoint"));
      } catch (IOException e) {
        endpoint.completeExceptionally(e);
      }
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    String url = endpoint.get(60, TimeUnit.SECONDS);
    HeadlessChromium[] self = new HeadlessChromium[1];
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(url), new Listener(m -> self[0].receive(m))).get(30, TimeUnit.SECONDS);
    HeadlessChromium c = new HeadlessChromium(p, profile, ws);
    self[0] = c;
    String target = c.send("Target.createTarget", Map.of("url", "about:blank")).path("targetId").asText();
    c.session = c.send("Target.attachToTarget", Map.of("targetId", target, "flatten", true)).path("sessionId").asText();
    for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
      c.send(domain + ".enable", Map.of());
    }
    c.send("Emulation.setDeviceMetricsOverride", Map.of("width", 1200, "height", 900, "deviceScaleFactor", 1, "mobile", false));
    return c;
  }

  /** Opens {@code url} and waits for its load event. */
  void open(String url) throws Exception {
    CompletableFuture<JsonNode> loaded = await("Page.loadEventFired");
    send("Page.navigate", Map.of("url", url));
    loaded.get(30, TimeUnit.SECONDS);
  }

  /** Evaluates {@code expression} in the page; returns its value. */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("evaluation failed: " + r.path("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Errors and warnings a person would see in the console, one line each. */
  List<String> consoleProblems() {
    List<String> out = new ArrayList<>();
    for (JsonNode e : events) {
      String method = e.path("method").asText();
      JsonNode p = e.path("params");
      switch (method) {
        case "Runtime.consoleAPICalled" -> {
          String type = p.path("type").asText();
          if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
            out.add("console." + type + ": " + p.path("args").path(0).path("value").asText());
          }
        }
        case "Runtime.exceptionThrown" -> out.add("uncaught: " + p.path("exceptionDetails").path("text").asText());
        case "Log.entryAdded" -> {
          String level = p.path("entry").path("level").asText();
          if (level.equals("error") || level.equals("warning")) {
            out.add("log." + level + ": " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
          }
        }
        default -> { }
      }
    }
    return out;
  }

  /** URLs the page requested other than {@code own} (fonts, scripts, images fetched from anywhere). */
  List<String> requestsOtherThan(String own) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : events) {
      if (e.path("method").asText().equals("Network.requestWillBeSent")) {
        String url = e.path("params").path("request").path("url").asText();
        if (!url.equals(own) && !url.startsWith("data:")) {
          out.add(url);
        }
      }
    }
    return out;
  }

  /** A PNG of the page, {@code width} by {@code height} CSS pixels from the top. */
  byte[] screenshot(int width, int height) throws Exception {
    ObjectNode clip = JSON.createObjectNode().put("x", 0).put("y", 0).put("width", width).put("height", height).put("scale", 1);
    JsonNode r = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
    return Base64.getDecoder().decode(r.path("data").asText());
  }

  private CompletableFuture<JsonNode> await(String method) {
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    waitingFor.add(method);
    waiters.add(f);
    return f;
  }

  private JsonNode send(String method, Map<String, ?> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", JSON.valueToTree(params));
    if (!session.isEmpty()) {
      msg.put("sessionId", session);
    }
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
    JsonNode r = reply.get(60, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.path("error"));
    }
    return r.path("result");
  }

  private void receive(String text) {
    JsonNode m;
    try {
      m = JSON.readTree(text);
    } catch (IOException e) {
      return;
    }
    if (m.has("id")) {
      CompletableFuture<JsonNode> f = pending.remove(m.path("id").asInt());
      if (f != null) {
        f.complete(m);
      }
      return;
    }
    events.add(m);
    String method = m.path("method").asText();
    for (int i = 0; i < waitingFor.size(); i++) {
      if (waitingFor.get(i).equals(method)) {
        waiters.get(i).complete(m);
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      process.destroyForcibly(); // the socket is gone: the browser goes too
    }
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** Joins a message's text frames and hands each whole message on. */
  private static final class Listener implements WebSocket.Listener {
    private final java.util.function.Consumer<String> sink;
    private final StringBuilder partial = new StringBuilder();

    Listener(java.util.function.Consumer<String> sink) {
      this.sink = sink;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String whole = partial.toString();
        partial.setLength(0);
        sink.accept(whole);
      }
      webSocket.request(1);
      return null;
    }
  }
}
