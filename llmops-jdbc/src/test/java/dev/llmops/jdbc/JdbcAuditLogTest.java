package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.audit.AuditBridges;
import dev.llmops.core.audit.AuditLog;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcAuditLogTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.migrated();

  private static final Instant FROM = Instant.parse("2000-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2100-01-01T00:00:00Z");

  private JdbcAuditLog stored;

  @BeforeEach
  void setUp() {
    stored = JdbcAuditLog.builder(db.dataSource()).schema(db.schema()).build();
  }

  private long rows() {
    return db.number("SELECT count(*) FROM " + db.schema() + ".llmops_audit");
  }

  @Test
  void aPromotionAndARollbackThroughTheRegistryArriveWithWhoWhatBeforeAfterAndWhen() {
    TestClock clock = TestClock.create();
    InMemoryPromptSource source = InMemoryPromptSource.builder()
        .add(PromptVersion.builder("greet-audit", 1).user("Hello").build(), PromptVersion.builder("greet-audit", 2).user("Hi").build())
        .label("greet-audit", "production", 1).build();
    long before = rows();
    try (AuditLog audit = AuditLog.builder().batchSink(stored).clock(clock).build()) {
      PromptRegistry registry = PromptRegistry.builder().source(source).clock(clock).listener(AuditBridges.prompts(audit)).build();
      registry.promote("greet-audit", "production", 2, "alice");
      clock.advance(Duration.ofMinutes(5));
      registry.rollback("greet-audit", "production", "bob");
    } // close flushes the queue

    assertThat(rows() - before).isEqualTo(2);
    List<AuditEvent> events = stored.events("greet-audit/production", FROM, TO, 10);
    assertThat(events).extracting(AuditEvent::actor, AuditEvent::before, AuditEvent::after)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", "1", "2"), org.assertj.core.groups.Tuple.tuple("bob", "2", "1"));
    assertThat(events.get(0).action()).isEqualTo(AuditEvent.PROMPT_LABEL_MOVED);
    assertThat(events.get(1).details()).containsEntry("rollback", "true");
    assertThat(events.get(1).at()).isEqualTo(events.get(0).at().plus(Duration.ofMinutes(5)));
  }

  @Test
  void aRetriedBatchIsStoredOnceWhileDistinctEventsAreAllKept() {
    Instant at = Instant.parse("2026-12-01T10:00:00.123456789Z");
    AuditEvent kill = new AuditEvent(at, AuditEvent.KILL_SWITCH_CHANGED, "exp-retry", "ops", "running", "killed", Map.of("reason", "bad"));
    AuditEvent same = new AuditEvent(at, AuditEvent.KILL_SWITCH_CHANGED, "exp-retry", "ops", "running", "killed", Map.of("reason", "bad"));
    AuditEvent other = new AuditEvent(at, AuditEvent.KILL_SWITCH_CHANGED, "exp-retry", "ops", "killed", "running", Map.of());
    long before = rows();

    stored.write(List.of(kill, same, other)); // identical events in one batch are two changes
    stored.write(List.of(kill, same, other)); // the retry of the same batch

    assertThat(rows() - before).isEqualTo(3);
    List<AuditEvent> back = stored.events("exp-retry", FROM, TO, 10);
    assertThat(back).extracting(AuditEvent::at).as("stored to the microsecond, truncated")
        .containsOnly(Instant.parse("2026-12-01T10:00:00.123456Z"));
    assertThat(back).extracting(AuditEvent::before, AuditEvent::after, AuditEvent::details).containsExactly(
        org.assertj.core.groups.Tuple.tuple("running", "killed", Map.of("reason", "bad")),
        org.assertj.core.groups.Tuple.tuple("running", "killed", Map.of("reason", "bad")),
        org.assertj.core.groups.Tuple.tuple("killed", "running", Map.of()));
  }

  @Test
  void theTableIsAppendOnly() {
    stored.write(List.of(AuditEvent.of(Instant.parse("2026-12-01T10:00:00Z"), "budget.changed", "b-append", null, "10 USD")));
    String t = db.schema() + ".llmops_audit";

    assertThatThrownBy(() -> db.execute("UPDATE " + t + " SET value_after = 'forged'"))
        .rootCause().hasMessageContaining("table " + t + " is append-only: UPDATE refused");
    assertThatThrownBy(() -> db.execute("DELETE FROM " + t)).rootCause().hasMessageContaining("append-only: DELETE refused");
    assertThatThrownBy(() -> db.execute("TRUNCATE " + t)).rootCause().hasMessageContaining("append-only: TRUNCATE refused");
    assertThat(stored.events("b-append", FROM, TO, 10)).extracting(AuditEvent::after).containsExactly("10 USD");
  }
}
