package dev.llmops.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkQueueTest {
  @Test
  void theDefaultsAreTheDocumentedOnes() {
    SinkQueue d = SinkQueue.defaults();
    assertThat(d.capacity()).isEqualTo(10_000);
    assertThat(d.maxBatch()).isEqualTo(256);
    assertThat(d.overflow()).isEqualTo(OverflowPolicy.DROP);
    assertThat(d.blockTimeout()).isEqualTo(Duration.ofMillis(100));
    assertThat(d.journal()).isNull();
    assertThat(d.journalMaxBytes()).isEqualTo(256L << 20);
    assertThat(d.retryInitialDelay()).isEqualTo(Duration.ofMillis(100));
    assertThat(d.retryMaxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.maxAttempts()).isZero();
    assertThat(d.closeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.listener()).isNull();
    assertThat(d.toString()).contains("overflow=DROP").contains("maxAttempts=unlimited");
  }

  @Test
  void settersRejectWhatCannotWorkSayingTheAllowedRange() {
    SinkQueue.Builder b = SinkQueue.builder();
    assertThatThrownBy(() -> b.capacity(0)).hasMessage("capacity must be >= 1 but was 0");
    assertThatThrownBy(() -> b.maxBatch(0)).hasMessage("maxBatch must be >= 1 but was 0");
    assertThatThrownBy(() -> b.maxAttempts(-1)).hasMessageContaining("maxAttempts must be >= 0");
    assertThatThrownBy(() -> b.blockTimeout(Duration.ofMillis(-1))).hasMessageContaining("blockTimeout must be >= 0");
    assertThatThrownBy(() -> b.closeTimeout(Duration.ofMillis(-1))).hasMessageContaining("closeTimeout must be >= 0");
    assertThatThrownBy(() -> b.journalMaxBytes(100)).hasMessageContaining("journalMaxBytes must be >= 1024");
    assertThatThrownBy(() -> b.retryBackoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> b.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("must be >= the initial delay");
    assertThatThrownBy(() -> b.overflow(null)).isInstanceOf(NullPointerException.class).hasMessage("overflow");
  }

  @Test
  void aJournalGoesWithTheJournalPolicyAndOnlyWithIt() {
    assertThatThrownBy(() -> SinkQueue.builder().overflow(OverflowPolicy.JOURNAL).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a journal file");
    assertThatThrownBy(() -> SinkQueue.builder().journal(Path.of("x.journal")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("only with overflow JOURNAL");
    SinkQueue q = SinkQueue.builder().overflow(OverflowPolicy.JOURNAL).journal(Path.of("x.journal")).build();
    assertThat(q.toBuilder().capacity(7).build()).satisfies(c -> {
      assertThat(c.capacity()).isEqualTo(7);
      assertThat(c.journal()).isEqualTo(Path.of("x.journal"));
    });
  }

  @Test
  void statsBalanceAndListEveryDropReason() {
    SinkStats s = new SinkStats("ledger", OverflowPolicy.DROP, 10, 2, 0, 10, 0, 5,
        Map.of(SinkEvent.DropReason.QUEUE_FULL, 3L), 1, 1, 0);
    assertThat(s.drops()).hasSize(SinkEvent.DropReason.values().length)
        .containsEntry(SinkEvent.DropReason.CLOSED, 0L);
    assertThat(s.dropped()).isEqualTo(3);
    assertThat(s.pending()).isEqualTo(2);
    assertThatThrownBy(() -> new SinkEvent(java.time.Instant.EPOCH, "x", SinkEvent.Kind.DROPPED, null, 1, ""))
        .hasMessageContaining("has a reason");
  }
}
