package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.Dimension;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.accounting.LedgerSink;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.sink.SinkStats;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17: a database that is down never blocks or fails a call; records wait in the ledger queue
 * and are written when it returns, nothing lost and nothing doubled.
 */
class JdbcLedgerOutageTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.migrated();

  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);

  @Test
  void callsSucceedWhileTheDatabaseIsDownAndEveryAttemptIsWrittenOnceWhenItReturns() {
    Outages outages = new Outages(db.dataSource());
    JdbcLedger ledger = JdbcLedger.builder(outages.dataSource()).schema(db.schema()).build();
    InMemoryLedger expected = InMemoryLedger.create();
    LedgerSink both = LedgerSink.batched(batch -> {
      ledger.write(batch);
      // Reached only when the database took the batch: a mirror of what it must hold.
      batch.forEach(expected::record);
    });
    FakeChatModel model = FakeChatModel.builder().provider("openai").modelId("gpt-4o").scheduler(scheduler).build();
    SinkQueue queue = SinkQueue.builder().capacity(1_000).maxBatch(7).retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .build();
    List<Completion> answers = new ArrayList<>();
    int attempts;
    try (LlmClient client = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler)
        .resilience(Resilience.builder().maxAttempts(3).backoff(Duration.ZERO, Duration.ZERO).build())
        .accounting(Accounting.builder().ledger(both).ledgerQueue(queue).build()).build()) {
      for (int i = 0; i < 10; i++) {
        answers.add(client.chat(ChatRequest.of("before " + i)));
      }
      awaitTrue(() -> client.sinkStats().get(0).delivered() == 10, "ten records written");

      outages.down();
      model.failNext(4, Fault.serverError(503)); // four calls take a second attempt
      List<CompletableFuture<Completion>> during = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        during.add(client.chatAsync(ChatRequest.of("during " + i)));
      }
      // Retries of the failed attempts wait on the client's scheduler: move its clock.
      awaitWhileAdvancing(() -> during.stream().allMatch(CompletableFuture::isDone), "the calls during the outage");
      during.forEach(f -> answers.add(f.join()));
      awaitTrue(() -> client.sinkStats().get(0).failures() >= 1, "a write failed while down");
      assertThat(outages.refused()).isPositive();
      assertThat(db.number("SELECT count(*) FROM " + db.schema() + ".llmops_ledger")).as("nothing written while down")
          .isEqualTo(10);

      outages.up();
      outages.loseNextCommitAcknowledgement(); // the next batch commits, yet the writer sees a failure and retries it
      for (int i = 0; i < 5; i++) {
        answers.add(client.chat(ChatRequest.of("after " + i)));
      }
      attempts = model.callCount();
      awaitWhileAdvancing(() -> client.sinkStats().get(0).delivered() == attempts, "every record delivered");
      SinkStats stats = client.sinkStats().get(0);
      assertThat(stats.dropped()).isZero();
      assertThat(outages.acknowledgementsLost()).as("a batch committed but reported as failed").isEqualTo(1);
      assertThat(stats.failures()).as("the outage and the lost acknowledgement").isGreaterThanOrEqualTo(2);
    }
    assertThat(answers).hasSize(35).allSatisfy(c -> assertThat(c.text()).isNotBlank());
    assertThat(attempts).isEqualTo(39);
    JdbcLedger direct = JdbcLedger.builder(db.dataSource()).schema(db.schema()).build();
    assertThat(direct.count()).as("one row per attempt made: nothing lost, nothing doubled").isEqualTo(attempts);
    assertThat(db.number("SELECT count(DISTINCT call_id) FROM " + db.schema() + ".llmops_ledger")).isEqualTo(35);
    assertThat(direct.summarize(Dimension.OUTCOME)).isEqualTo(expected.summarize(Dimension.OUTCOME));
    List<LedgerRecord> stored = direct.records(null, null, 100);
    assertThat(stored).hasSize(attempts).doesNotHaveDuplicates();
  }

  private void awaitWhileAdvancing(BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      clock.advance(Duration.ofMillis(100));
      Thread.onSpinWait();
    }
  }

  private static void awaitTrue(BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
    }
  }
}
