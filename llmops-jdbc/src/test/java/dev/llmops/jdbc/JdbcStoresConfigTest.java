package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.LlmClient;
import dev.llmops.core.config.ConfigBindings;
import dev.llmops.core.config.LlmOpsComponents;
import dev.llmops.core.config.LlmOpsConfig;
import dev.llmops.core.transcript.SubjectKey;
import dev.llmops.core.transcript.TranscriptStore;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17: a service switches its ledger, audit log and transcripts to PostgreSQL by configuration:
 * the file's sections stay as they are, the stores are bound.
 */
class JdbcStoresConfigTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.empty();

  private static final String SUBJECT_SECRET = "a-subject-secret-of-32-bytes-ok!";
  private static final String YAML = """
      models:
        smart: {provider: supplied}
      accounting:
        ledgerQueue: {maxBatch: 16}
      budgets:
        - {scope: tenant, limit: "5.00 USD", window: daily}
      audit:
        recordStartup: true
      retention:
        ttl: 24h
        subjectKeyEnv: LLMOPS_SUBJECT_KEY
      """;

  @Test
  void theLedgerAuditAndTranscriptsOfAConfiguredClientLandInTheDatabase() {
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    SubjectKey subjects = SubjectKey.of(SUBJECT_SECRET.getBytes(StandardCharsets.UTF_8));
    JdbcStores stores = JdbcStores.builder(db.dataSource()).schema(db.schema()).clock(clock)
        .transcripts(TranscriptKeys.of("k1", Map.of("k1", new SecretKeySpec(new byte[32], "AES"))), subjects)
        .migrate().build();
    FakeChatModel model = FakeChatModel.builder().provider("openai").modelId("gpt-4o").scheduler(scheduler).build();
    ConfigBindings bindings = stores.bind(ConfigBindings.builder())
        .environment(Map.of("LLMOPS_SUBJECT_KEY", SUBJECT_SECRET)::get)
        .clock(clock).scheduler(scheduler).model("smart", model).build();

    LlmOpsComponents components = LlmOpsConfig.parse(YAML, "llmops.yaml").assemble(bindings);
    String callId;
    try (LlmClient client = components.clientBuilder().build()) {
      for (int i = 0; i < 5; i++) {
        client.chat(ChatRequest.of("question " + i), CallContext.ofTenant("acme").withSubject("user-" + (i % 2)));
      }
      callId = client.chat(ChatRequest.of("last"), CallContext.ofTenant("acme").withSubject("user-9")).callId();
    }
    TranscriptStore transcripts = components.transcripts().orElseThrow();
    transcripts.close();
    components.auditLog().orElseThrow().close();

    assertThat(stores.ledger().count()).isEqualTo(6);
    assertThat(stores.ledger().total().cost().isZero()).isFalse();
    JdbcTranscripts stored = stores.transcripts();
    assertThat(stored).isNotNull();
    assertThat(stored.count()).isEqualTo(6);
    assertThat(stored.bySubject("user-9")).extracting(t -> t.callId()).containsExactly(callId);
    assertThat(stored.bySubject("user-0")).hasSize(3);
    assertThat(stores.audit().events(null, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 10))
        .extracting(AuditEvent::action).contains(AuditEvent.BUDGET_CHANGED);
  }
}
