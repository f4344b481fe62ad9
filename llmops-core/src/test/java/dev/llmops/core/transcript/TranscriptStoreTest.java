package dev.llmops.core.transcript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.CallContext;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Usage;
import dev.llmops.core.LlmClient;
import dev.llmops.api.spi.ChatModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
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
}
