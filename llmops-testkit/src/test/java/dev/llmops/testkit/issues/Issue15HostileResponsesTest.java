package dev.llmops.testkit.issues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.MalformedResponseException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.StreamingCall;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import dev.llmops.testkit.provider.Conditions;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, "Hostile and broken provider responses": the OpenAI adapter with its default settings
 * against a server that plays each fault. Every failure is a typed {@link LlmException}, sizes are
 * capped before they are held, a slow drip ends at the call's deadline, and the attempt that met
 * the fault is reported as failed.
 */
class Issue15HostileResponsesTest {
  private static final long MIB = 1 << 20;

  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final FakeOpenAiServer server = FakeOpenAiServer.builder().scheduler(scheduler).clock(clock).start();
  private final OpenAiChatModel model = OpenAiChatModel.builder()
      .baseUrl(server.baseUrl()).apiKey(Secret.of("sk-test-0123456789")).model("gpt-4o-mini").clock(clock).build();

  @AfterEach
  void stop() {
    server.close();
  }

  private Throwable blocking(ScriptedResponse response) {
    server.enqueue(response);
    return failure(model.chatAsync(ChatRequest.of("hi")));
  }

  private Throwable streaming(ScriptedResponse response) {
    server.enqueue(response);
    return failure(model.stream(ChatRequest.of("hi"), chunk -> {}));
  }

  private static Throwable failure(CompletableFuture<?> call) {
    try {
      call.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      return e.getCause() != null ? e.getCause() : e;
    }
    throw new AssertionError("expected the call to fail");
  }

  @Test
  void aTwentyMegabyteAnswerFailsTypedNotWithANullPointerException() {
    // 20,000,001 characters of text: past Jackson's string limit, whose error has no location.
    Throwable e = blocking(ScriptedResponse.reply("").oversizedBody(20_000_001));
    assertThat(e).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("size limit of the JSON parser");
    assertThat(((LlmException) e).retryable()).isFalse();
  }

  @Test
  void anAnswerOverTheBodyCapFailsTypedAndTheClientStopsReading() {
    Throwable e = blocking(ScriptedResponse.reply("big").oversizedBody(40 * MIB));
    assertThat(e).isInstanceOf(MalformedResponseException.class).hasMessageContaining("maxResponseBytes");
    Conditions.await(() -> server.disconnects() == 1, "the client should have closed the connection at the cap");
  }

  @Test
  void aStreamEventOverTheEventCapEndsTheStreamTyped() {
    Throwable e = streaming(ScriptedResponse.reply("one two").oversizedEvent((int) (2 * MIB)));
    assertThat(e).isInstanceOfSatisfying(StreamInterruptedException.class, s -> {
      assertThat(s.details().errorCode()).isEqualTo("event_too_large");
      assertThat(s.getMessage()).contains("maxEventBytes");
      assertThat(s.getCause()).isInstanceOf(MalformedResponseException.class);
      assertThat(s.retryable()).as("the same answer would come again").isFalse();
    });
  }

  @Test
  void aStreamOverTheBodyCapEndsWithItsPartialText() {
    Throwable e = streaming(ScriptedResponse.reply("first words").oversizedBody(40 * MIB));
    assertThat(e).isInstanceOfSatisfying(StreamInterruptedException.class, s -> {
      assertThat(s.details().errorCode()).isEqualTo("response_too_large");
      assertThat(s.partialText()).startsWith("first ");
      assertThat(s.retryable()).isFalse();
    });
  }

  @Test
  void aWholeJsonAnswerToAStreamingRequestIsMalformedAndSaysWhatArrived() {
    Throwable e = streaming(ScriptedResponse.reply("not a stream").ignoringStream());
    assertThat(e).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("expected text/event-stream but the server answered application/json")
        .hasMessageContaining("a whole answer to a streaming request")
        .hasMessageNotContaining("not a stream");
  }

  @Test
  void anHtmlPageWithStatus200IsMalformedAndSaysWhatArrived() {
    String page = "<html><body><h1>Gateway login</h1></body></html>";
    Throwable blocking = blocking(ScriptedResponse.raw(200, "text/html; charset=utf-8", page));
    assertThat(blocking).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("expected application/json but the server answered text/html (HTTP 200, " + page.length()
            + " bytes)")
        .hasMessageNotContaining("Gateway login");
    Throwable stream = streaming(ScriptedResponse.raw(200, "text/html", page));
    assertThat(stream).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("expected text/event-stream but the server answered text/html");
  }

  @Test
  void aResetMidBodyIsARetryableConnectionFailure() {
    Throwable whole = blocking(ScriptedResponse.reply("a complete answer").resetAfterBytes(40));
    assertThat(whole).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("connection failed");
    assertThat(((LlmException) whole).retryable()).isTrue();

    Throwable stream = streaming(ScriptedResponse.reply("alpha beta gamma delta").resetAfterBytes(700));
    assertThat(stream).isInstanceOfSatisfying(StreamInterruptedException.class, s -> {
      assertThat(s.details().errorCode()).isEqualTo("connection_failed");
      assertThat(s.partialText()).startsWith("alpha ");
      assertThat(s.retryable()).isTrue();
    });
  }

  /**
   * A server that sends a few bytes a second would hold a stream open for ever; the resilience
   * step's deadline ends the call on time, the adapter stops reading (the server sees the client
   * go), and the attempt is reported failed once.
   */
  @Test
  void aSlowDripEndsAtTheCallDeadlineAndTheAttemptIsReportedFailed() {
    Attempts attempts = new Attempts();
    Instant start = clock.instant();
    AtomicReference<Instant> failedAt = new AtomicReference<>();
    try (LlmClient client = LlmClient.builder().model("gpt", model).clock(clock).scheduler(scheduler)
        .resilience(Resilience.builder().maxAttempts(1).deadline(Duration.ofSeconds(5)).build())
        .listener(attempts).build()) {
      // Long enough that the server is still dripping when the client's close reaches it.
      server.enqueue(ScriptedResponse.reply("a long answer that trickles in ".repeat(4_000)).dripping(8, Duration.ofSeconds(1)));
      StreamingCall call = client.stream(ChatRequest.of("hi"), chunk -> {});
      var unused = call.completion().whenComplete((done, error) -> failedAt.set(clock.instant()));
      Conditions.await(() -> scheduler.pending() == 2, "the drip's next piece and the deadline should be scheduled");

      for (int second = 1; second <= 5; second++) {
        assertThat(call.completion()).as("still in time after %d s", second - 1).isNotDone();
        clock.advance(Duration.ofSeconds(1));
      }
      Throwable e = failure(call.completion());
      assertThat(failedAt.get()).isEqualTo(start.plusSeconds(5));
      assertThat(rootCauses(e)).anySatisfy(t -> assertThat(t).isInstanceOf(LlmTimeoutException.class)
          .hasMessageContaining("deadline"));
      // The server's next pieces meet the closed connection once the client's close has reached it,
      // which happens on the HTTP client's own threads: keep the server dripping until it notices.
      Conditions.await(() -> {
        clock.advance(Duration.ofSeconds(1));
        return server.disconnects() > 0;
      }, "the server should see the client stop reading");
      assertThat(server.disconnects()).as("the client stopped reading").isEqualTo(1);
      assertThat(attempts.started).hasSize(1);
      assertThat(attempts.failed).singleElement().isInstanceOf(LlmException.class);
    }
  }

  @Test
  void anAttemptThatMeetsACapIsReportedFailedWithTheTypedFailure() {
    Attempts attempts = new Attempts();
    try (LlmClient client = LlmClient.builder().model("gpt", model).clock(clock).scheduler(scheduler)
        .listener(attempts).build()) {
      server.enqueue(ScriptedResponse.reply("x").oversizedEvent((int) (2 * MIB)));
      StreamingCall call = client.stream(ChatRequest.of("hi"), chunk -> {});
      assertThat(failure(call.completion())).isInstanceOf(StreamInterruptedException.class);
      assertThat(attempts.started).hasSize(1);
      assertThat(attempts.failed).singleElement().isInstanceOf(StreamInterruptedException.class);
      assertThat(attempts.calls).singleElement().isInstanceOf(StreamInterruptedException.class);
    }
  }

  @Test
  void answersWithinTheDefaultCapsAreRead() {
    // 32 MiB in all and 1 MiB per event, as docs/providers.md says; a whole JSON answer also meets
    // Jackson's 20,000,000-character string limit first.
    server.enqueue(ScriptedResponse.reply("fits").oversizedBody(19 * MIB));
    assertThat(ChatModel.join(model.chatAsync(ChatRequest.of("hi"))).text()).hasSize((int) (19 * MIB) + 4);
    server.enqueue(ScriptedResponse.reply("fits").oversizedBody(30 * MIB));
    assertThat(ChatModel.join(model.stream(ChatRequest.of("hi"), chunk -> {})).text()).startsWith("fits");
    server.enqueue(ScriptedResponse.reply("fits").oversizedEvent((int) (MIB - 4096)));
    assertThat(ChatModel.join(model.stream(ChatRequest.of("hi"), chunk -> {})).text()).endsWith("fits");
  }

  private static List<Throwable> rootCauses(Throwable e) {
    List<Throwable> chain = new CopyOnWriteArrayList<>();
    for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }


  /** Records attempt and call outcomes as the client reports them. */
  private static final class Attempts implements CallListener {
    final List<AttemptInfo> started = new CopyOnWriteArrayList<>();
    final List<Throwable> failed = new CopyOnWriteArrayList<>();
    final List<Throwable> calls = new CopyOnWriteArrayList<>();

    @Override
    public void attemptStart(AttemptInfo attempt) {
      started.add(attempt);
    }

    @Override
    public void attemptFailed(AttemptInfo attempt, Throwable error) {
      failed.add(error);
    }

    @Override
    public void callFailed(CallInfo call, Throwable error) {
      calls.add(error);
    }
  }
}
