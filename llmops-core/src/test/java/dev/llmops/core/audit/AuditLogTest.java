package dev.llmops.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.audit.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditLogTest {
  @Test
  void forwardsToEverySinkEvenWhenOneThrows() {
    List<AuditEvent> seen = new ArrayList<>();
    AuditLog log = AuditLog.builder()
        .sink(e -> {
          throw new IllegalStateException("down");
        })
        .sink(seen::add)
        .build();
    AuditEvent event = AuditEvent.of(Instant.parse("2026-01-01T00:00:00Z"), AuditEvent.PROMPT_LABEL_MOVED,
        "support-reply@production", "3", "4");
    log.record(event);
    assertThat(seen).containsExactly(event);
    assertThat(log.sinkFailures()).isEqualTo(1);
  }
}
