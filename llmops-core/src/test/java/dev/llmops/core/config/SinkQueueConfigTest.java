package dev.llmops.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Usage;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.sink.OverflowPolicy;
import dev.llmops.core.sink.SinkStats;
import dev.llmops.core.transcript.Transcript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code queue} keys of the ledger, the audit log and the transcript store. */
class SinkQueueConfigTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private final List<LedgerRecord> ledger = new CopyOnWriteArrayList<>();
  private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  private final List<Transcript> transcripts = new CopyOnWriteArrayList<>();

  private ConfigBindings bindings() {
    return ConfigBindings.builder().environment(Map.<String, String>of()::get).baseDirectory(dir).clock(CLOCK)
        .model("m", (request, exchange) -> CompletableFuture.completedFuture(
            ChatResponse.of("r", "m", "ok", FinishReason.STOP, Usage.of(3, 2))))
        .ledger(ledger::add)
        .auditBatchSink(audit::addAll)
        .transcriptSink(transcripts::addAll)
        .build();
  }

  @Test
  void eachQueueTakesItsKeysAndRecordsFlowThroughIt() throws Exception {
    LlmOpsComponents c = LlmOpsConfig.parse("""
        models: {m: {provider: supplied}}
        accounting:
          ledgerQueue:
            capacity: 3
            maxBatch: 2
            overflow: journal
            journal: journals/ledger.journal
            journalMaxBytes: 1MiB
            retry: {initial: 50ms, max: 2s, maxAttempts: 5}
            closeTimeout: 1s
        audit:
          queue: {overflow: block, blockTimeout: 20ms}
        retention:
          queue: {capacity: 10}
        """, "llmops.yaml").assemble(bindings());
    try (LlmClient client = c.clientBuilder().build()) {
      assertThat(client.sinkStats()).singleElement().satisfies(s -> {
        assertThat(s.name()).isEqualTo("ledger");
        assertThat(s.capacity()).isEqualTo(3);
        assertThat(s.overflow()).isEqualTo(OverflowPolicy.JOURNAL);
      });
      assertThat(Files.exists(dir.resolve("journals/ledger.journal"))).isTrue();
      client.chat(ChatRequest.of("hi"));
    }
    assertThat(ledger).as("flushed when the client closed").singleElement()
        .satisfies(r -> assertThat(r.endpoint()).isEqualTo("m"));
    assertThat(audit).as("the startup record, flushed with the client").extracting(AuditEvent::action)
        .contains("config.applied");
    assertThat(transcripts).hasSize(1);
    assertThat(c.auditLog().orElseThrow().sinkStats()).extracting(SinkStats::overflow).containsExactly(OverflowPolicy.BLOCK);
    assertThat(c.transcripts().orElseThrow().sinkStats()).extracting(SinkStats::capacity).containsExactly(10);
  }

  @Test
  void withoutQueueKeysTheDefaultsApply() {
    LlmOpsComponents c = LlmOpsConfig.parse("""
        models: {m: {provider: supplied}}
        accounting: {}
        audit: {}
        retention: {}
        """, "llmops.yaml").assemble(bindings());
    try (LlmClient client = c.clientBuilder().build()) {
      assertThat(client.sinkStats()).singleElement().satisfies(s -> {
        assertThat(s.capacity()).isEqualTo(10_000);
        assertThat(s.overflow()).isEqualTo(OverflowPolicy.DROP);
      });
    }
    assertThat(c.transcripts().orElseThrow().sinkStats()).extracting(SinkStats::capacity).containsExactly(1_000);
  }

  @Test
  void badQueueKeysAreListedWithTheirPathsAndNoJournalIsLeftOpen() {
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> LlmOpsConfig.parse("""
        models: {m: {provider: supplied}}
        accounting:
          ledgerQueue: {overflow: journal, size: 3}
        audit:
          queue: {overflow: drop, journal: a.journal, capacity: 0}
        retention:
          queue: {overflow: journal, journal: shared.journal, retry: {initial: 2s, max: 1s}}
        """, "llmops.yaml").assemble(bindings()));
    assertThat(e).isNotNull();
    assertThat(e.problems()).hasSize(5);
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("llmops.yaml: accounting.ledgerQueue.size: unknown key"))
        .anySatisfy(p -> assertThat(p).startsWith("llmops.yaml: accounting.ledgerQueue.journal: required with overflow: journal"))
        .anySatisfy(p -> assertThat(p).startsWith("llmops.yaml: audit.queue.capacity: must be >= 1"))
        .anySatisfy(p -> assertThat(p).startsWith("llmops.yaml: audit.queue.journal: used only with overflow: journal"))
        .anySatisfy(p -> assertThat(p).startsWith("llmops.yaml: retention.queue.retry: retry max delay PT1S must be >= the initial delay PT2S"));

    ConfigurationException twice = catchThrowableOfType(ConfigurationException.class, () -> LlmOpsConfig.parse("""
        models: {m: {provider: supplied}}
        audit:
          queue: {overflow: journal, journal: same.journal}
        retention:
          queue: {overflow: journal, journal: same.journal}
        cache: {ttl: 1h}
        """, "llmops.yaml").assemble(bindings()));
    assertThat(twice.problems()).anySatisfy(p -> assertThat(p)
        .startsWith("llmops.yaml: retention.queue.journal: journal file " + dir.resolve("same.journal"))
        .endsWith("is already used by audit.queue.journal; each queue needs its own"));
    // The audit log opened its journal before the other problems were known; it was closed again.
    LlmOpsComponents ok = LlmOpsConfig.parse("""
        models: {m: {provider: supplied}}
        audit:
          queue: {overflow: journal, journal: same.journal}
        """, "llmops.yaml").assemble(bindings());
    ok.auditLog().orElseThrow().close();
  }
}
