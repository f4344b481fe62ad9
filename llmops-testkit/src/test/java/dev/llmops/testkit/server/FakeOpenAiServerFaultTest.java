package dev.llmops.testkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each fault kind of {@link ScriptedResponse} as a plain HTTP client sees it on the wire, so that
 * users can rely on what their own client will meet.
 */
class FakeOpenAiServerFaultTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BLOCKING = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String STREAMING =
      "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final FakeOpenAiServer server = FakeOpenAiServer.builder().scheduler(scheduler).clock(clock).start();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpRequest post(String body) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private HttpResponse<byte[]> send(String body) throws IOException, InterruptedException {
    return client.send(post(body), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void oversizedBodyPadsAWholeAnswerThatStaysValidJson() throws Exception {
    server.enqueue(ScriptedResponse.reply("end").oversizedBody(3_000_000));
    HttpResponse<byte[]> r = send(BLOCKING);
    assertThat(r.body().length).isGreaterThan(3_000_000);
    assertThat(r.headers().firstValueAsLong("content-length")).hasValue(r.body().length);
    JsonNode answer = JSON.readTree(r.body());
    String text = answer.at("/choices/0/message/content").asText();
    assertThat(text).hasSize(3_000_003).endsWith("xend");
  }

  @Test
  void oversizedBodyAddsWholeFillerEventsToAStream() throws Exception {
    server.enqueue(ScriptedResponse.reply("first second").oversizedBody(200_000));
    HttpResponse<String> r = client.send(post(STREAMING), HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
    assertThat(r.body().length()).isGreaterThan(200_000);
    List<String> events = events(r.body());
    assertThat(events).last().isEqualTo("[DONE]");
    assertThat(events.size()).as("about 200 filler events of 1 KB").isGreaterThan(150);
    for (String event : events.subList(0, events.size() - 1)) {
      assertThat(JSON.readTree(event).get("object").asText()).isEqualTo("chat.completion.chunk");
    }
  }

  @Test
  void oversizedEventPutsTheBytesInOneDataLine() throws Exception {
    server.enqueue(ScriptedResponse.reply("one two").oversizedEvent(500_000));
    HttpResponse<String> r = client.send(post(STREAMING), HttpResponse.BodyHandlers.ofString());
    List<String> events = events(r.body());
    assertThat(events.get(1).length()).isGreaterThan(500_000);
    assertThat(JSON.readTree(events.get(1)).at("/choices/0/delta/content").asText()).endsWith("xone ");
    assertThat(events.get(2).length()).isLessThan(1000);
  }

  @Test
  void wrongContentTypesLabelTheBodyOrAnswerAStreamWhole() throws Exception {
    server.enqueue(ScriptedResponse.reply("ok").withContentType("text/html"));
    HttpResponse<byte[]> labelled = send(BLOCKING);
    assertThat(labelled.headers().firstValue("content-type")).hasValue("text/html");
    assertThat(JSON.readTree(labelled.body()).at("/choices/0/message/content").asText()).isEqualTo("ok");

    server.enqueue(ScriptedResponse.reply("whole").ignoringStream());
    HttpResponse<byte[]> whole = send(STREAMING);
    assertThat(whole.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(JSON.readTree(whole.body()).at("/choices/0/message/content").asText()).isEqualTo("whole");
  }

  @Test
  void drippingReleasesOnePieceEachTimeTheClockMoves() throws Exception {
    String page = "0123456789abcdefghij";
    server.enqueue(ScriptedResponse.raw(200, "text/plain", page).dripping(5, Duration.ofSeconds(2)));
    CompletableFuture<HttpResponse<InputStream>> pending =
        client.sendAsync(post(BLOCKING), HttpResponse.BodyHandlers.ofInputStream());
    InputStream in = pending.get(10, TimeUnit.SECONDS).body();
    assertThat(new String(in.readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("01234");
    assertThat(scheduler.pendingDueTimes()).containsExactly(clock.instant().plusSeconds(2));
    StringBuilder rest = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(2));
      rest.append(new String(in.readNBytes(5), StandardCharsets.UTF_8));
    }
    assertThat(rest).hasToString("56789abcdefghij");
    assertThat(in.read()).isEqualTo(-1);
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void drippingStopsAndCountsADisconnectWhenTheClientGoes() throws Exception {
    server.enqueue(ScriptedResponse.reply("x").oversizedBody(1_000_000).dripping(10, Duration.ofSeconds(1)));
    InputStream in = client.sendAsync(post(BLOCKING), HttpResponse.BodyHandlers.ofInputStream())
        .get(10, TimeUnit.SECONDS).body();
    assertThat(in.readNBytes(10)).hasSize(10);
    in.close();
    // The client's close reaches the server when the client's own threads get to it: keep the
    // server dripping (at most half of the body) until a write finds the connection gone.
    for (int i = 0; i < 50_000 && server.disconnects() == 0; i++) {
      clock.advance(Duration.ofSeconds(1));
      Thread.onSpinWait();
    }
    assertThat(server.disconnects()).isEqualTo(1);
    assertThat(scheduler.pending()).as("no more pieces once the client went").isZero();
  }

  @Test
  void resetAfterBytesSendsThatMuchOfTheAnnouncedBodyAndClosesTheConnection() throws Exception {
    server.enqueue(ScriptedResponse.raw(200, "application/json", "{\"a\":\"0123456789\"}").resetAfterBytes(7));
    HttpResponse<InputStream> r = client.send(post(BLOCKING), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValueAsLong("content-length")).hasValue(18);
    InputStream in = r.body();
    byte[] got = new byte[18];
    int n = 0;
    IOException broken = null;
    try {
      for (int read; n < got.length && (read = in.read(got, n, got.length - n)) > 0; ) {
        n += read;
      }
    } catch (IOException e) {
      broken = e;
    }
    assertThat(new String(Arrays.copyOf(got, n), StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"0");
    assertThat(broken).as("the body ends short of its length").isNotNull();
  }

  @Test
  void faultsOnlyFitTheResponsesTheyDescribe() {
    assertThatThrownBy(() -> ScriptedResponse.error(500, "server_error", null).oversizedBody(10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reply");
    assertThatThrownBy(() -> ScriptedResponse.reply("x").oversizedEvent(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ScriptedResponse.reply("x").dripping(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ScriptedResponse.reply("x").resetAfterBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    try (FakeOpenAiServer unscheduled = FakeOpenAiServer.start()) {
      assertThatThrownBy(() -> unscheduled.enqueue(ScriptedResponse.reply("x").dripping(1, Duration.ofSeconds(1))))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("scheduler");
    }
  }

  private static List<String> events(String body) {
    List<String> data = new ArrayList<>();
    for (String line : body.split("\n", -1)) {
      if (line.startsWith("data: ")) {
        data.add(line.substring("data: ".length()));
      }
    }
    return data;
  }
}
