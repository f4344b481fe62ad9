package dev.llmops.core.transcript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.CallContext;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import dev.llmops.core.LlmClient;
import dev.llmops.api.spi.ChatModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TranscriptStoreTest {
  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final MutableClock clock = new MutableClock();
  private final ChatModel echo = (request, exchange) -> CompletableFuture.completedFuture(
      ChatResponse.of("id", "m", "mail " + request.lastUserMessage(), FinishReason.STOP, Usage.of(1, 1)));

  private LlmClient client(TranscriptStore store) {
    return LlmClient.builder().model("m", echo).clock(clock).listener(store).build();
  }

  @Test
  void storesRedactedAndExpiresOnTheInjectedClock() {
    TranscriptStore store = TranscriptStore.builder().clock(clock).ttl(Duration.ofHours(1)).build();
    try (LlmClient client = client(store)) {
      client.request(ChatRequest.of("jane@example.com")).context(CallContext.ofSubject("user-1")).call();
    }
    assertThat(store.all()).singleElement().satisfies(t -> {
      assertThat(t.messages().get(0).content()).isEqualTo("<EMAIL>");
      assertThat(t.answer()).isEqualTo("mail <EMAIL>");
      assertThat(t.subjectHash()).hasSize(64).isNotEqualTo("user-1");
    });
    clock.now = clock.now.plus(Duration.ofMinutes(59));
    assertThat(store.all()).hasSize(1);
    clock.now = clock.now.plus(Duration.ofMinutes(2));
    assertThat(store.all()).isEmpty();
    assertThat(store.bytes()).isZero();
  }

  @Test
  void keepsWithinEntryAndByteLimitsAndPurgesBySubject() {
    TranscriptStore store = TranscriptStore.builder().clock(clock).maxEntries(3).build();
    try (LlmClient client = client(store)) {
      for (int k = 0; k < 5; k++) {
        client.request(ChatRequest.of("q" + k)).context(CallContext.ofSubject(k % 2 == 0 ? "a" : "b")).call();
      }
    }
    assertThat(store.all()).extracting(t -> t.messages().get(0).content()).containsExactly("q2", "q3", "q4");
    assertThat(store.purgeSubject("a")).isEqualTo(2);
    assertThat(store.bySubject("b")).hasSize(1);
    assertThat(store.bySubject("a")).isEmpty();

    TranscriptStore small = TranscriptStore.builder().clock(clock).maxBytes(300).build();
    try (LlmClient client = client(small)) {
      for (int k = 0; k < 10; k++) {
        client.chat(ChatRequest.of("a question of some length " + k));
      }
    }
    assertThat(small.bytes()).isLessThanOrEqualTo(300);
    assertThat(small.size()).isBetween(1, 9);
  }

  @Test
  void samplesWithTheInjectedRandom() {
    TranscriptStore none = TranscriptStore.builder().clock(clock).sampleRate(0).build();
    TranscriptStore half = TranscriptStore.builder().clock(clock).sampleRate(0.5).random(new SplittableRandom(7)).build();
    try (LlmClient client = LlmClient.builder().model("m", echo).listener(none).listener(half).build()) {
      for (int k = 0; k < 200; k++) {
        client.chat(ChatRequest.of("q"));
      }
    }
    assertThat(none.size()).isZero();
    assertThat(half.size()).isBetween(70, 130);
    assertThatThrownBy(() -> TranscriptStore.builder().sampleRate(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TranscriptStore.builder().ttl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDurableSinkGetsEveryKeptTranscriptRedactedOffTheCallsThreadAndCloseFlushesIt() {
    List<Transcript> stored = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    TranscriptStore store = TranscriptStore.builder().clock(clock).sink(batch -> {
      threads.add(Thread.currentThread().getName());
      stored.addAll(batch);
    }).build();
    String caller = Thread.currentThread().getName();
    try (LlmClient client = client(store)) {
      for (int k = 0; k < 20; k++) {
        client.request(ChatRequest.of("write to jane@example.com #" + k)).context(CallContext.ofSubject("user-1")).call();
      }
    }
    store.close();
    assertThat(stored).hasSize(20).allSatisfy(t -> assertThat(t.subjectHash()).isNotEqualTo("user-1"));
    assertThat(stored).extracting(t -> t.messages().get(0).content()).as("in the order the calls ended")
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(k -> "write to <EMAIL> #" + k).toList());
    assertThat(threads).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith("llmops-sink-transcripts.0").isNotEqualTo(caller));
    assertThat(store.sinkStats()).singleElement().satisfies(st -> {
      assertThat(st.capacity()).as("the default transcript queue").isEqualTo(1_000);
      assertThat(st.delivered()).isEqualTo(20);
    });
  }

  @Test
  void aTranscriptSurvivesItsJournalLineExactly() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Transcript t = new Transcript("call-9", Instant.parse("2026-02-03T04:05:06.7Z"), "acme", "ab12", null,
        List.of(Message.system("be brief"), new Message(Role.ASSISTANT, "", List.of(new ToolCall("t1", "lookup", "{\"q\":1}")), null),
            Message.tool("t1", "result\nwith a break"), Message.toolError("t2", "timed out")),
        null, "dev.llmops.api.ProviderUnavailableException: <EMAIL>");
    byte[] line = json.writeValueAsBytes(TranscriptCodec.INSTANCE.encode(t));
    assertThat(line).doesNotContain((byte) '\n');
    assertThat(TranscriptCodec.INSTANCE.decode(json.readTree(line))).isEqualTo(t);
  }
}
