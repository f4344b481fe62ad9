package dev.llmops.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.sink.SinkStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AuditLogTest {
  private static final AuditEvent EVENT = AuditEvent.of(Instant.parse("2026-01-01T00:00:00Z"),
      AuditEvent.PROMPT_LABEL_MOVED, "support-reply@production", "3", "4");

  @Test
  void forwardsToEverySinkEvenWhenOneThrowsAndTheThrowingOneGetsTheEventAgain() {
    List<AuditEvent> seen = new CopyOnWriteArrayList<>();
    List<AuditEvent> flaky = new CopyOnWriteArrayList<>();
    int[] calls = {0};
    AuditLog log = AuditLog.builder()
        .sink(e -> {
          if (calls[0]++ == 0) {
            throw new IllegalStateException("down");
          }
          flaky.add(e);
        })
        .sink(seen::add)
        .build();
    log.record(EVENT);
    log.close(); // flushes: the failed write is retried on the queue's own thread within the close timeout
    assertThat(seen).containsExactly(EVENT);
    assertThat(flaky).containsExactly(EVENT);
    assertThat(log.sinkFailures()).isEqualTo(1);
    assertThat(log.sinkStats()).extracting(SinkStats::name).containsExactly("audit.0", "audit.1");
    assertThat(log.sinkStats()).allSatisfy(s -> assertThat(s.delivered()).isEqualTo(1));
  }

  @Test
  void aSlowSinkNeverHoldsUpTheChangeBeingAudited() {
    CountDownLatch release = new CountDownLatch(1);
    List<List<AuditEvent>> batches = new CopyOnWriteArrayList<>();
    AuditLog log = AuditLog.builder().batchSink(batch -> {
      release.await();
      batches.add(List.copyOf(batch));
    }).build();
    try {
      for (int i = 0; i < 100; i++) {
        log.record(EVENT);
      }
      assertThat(release.getCount()).as("100 changes recorded while the sink was stuck").isEqualTo(1);
    } finally {
      release.countDown();
    }
    log.close();
    assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(100);
  }

  @Test
  void anEventSurvivesItsJournalLineExactly() throws Exception {
    ObjectMapper json = new ObjectMapper();
    AuditEvent e = new AuditEvent(Instant.parse("2026-03-01T10:15:30.123456789Z"), "experiment.weights.changed",
        "support-model", "ana", "[0.9, 0.1]", null, Map.of("reason", "line\nbreak \"quoted\"", "kind", "weights"));
    byte[] line = json.writeValueAsBytes(AuditEventCodec.INSTANCE.encode(e));
    assertThat(line).as("one line, whatever the text holds").doesNotContain((byte) '\n');
    assertThat(AuditEventCodec.INSTANCE.decode(json.readTree(line))).isEqualTo(e);
  }
}
