package dev.llmops.testkit.issues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.accounting.LedgerSink;
import dev.llmops.core.sink.OverflowPolicy;
import dev.llmops.core.sink.SinkEvent;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.sink.SinkStats;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "Sinks that never stall the caller and never drop silently": ledger records go through
 * a bounded queue drained by its own thread, a failed write is retried, and what a policy drops is
 * counted and reported.
 *
 * <p>The first two tests use only what the library had before the fix, and fail on it: the slow
 * sink held the thread that ended the attempts (the calls never completed within the wait), and
 * the throwing sink lost every record whose write threw (five of ten).
 */
class Issue15SinkTest {
  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);

  @TempDir Path dir;

  private FakeChatModel model(Duration latency) {
    return FakeChatModel.builder().provider("openai").modelId("gpt-4o").latency(latency).scheduler(scheduler).build();
  }

  @Test
  void aSlowLedgerSinkNeverStallsTheCallsWhoseAttemptsEndOnTheSameThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<LedgerRecord> written = new CopyOnWriteArrayList<>();
    LedgerSink blocked = record -> {
      awaitUninterruptibly(release);
      written.add(record);
    };
    LlmClient client = LlmClient.builder().model("m", model(Duration.ofMillis(200))).clock(clock).scheduler(scheduler)
        .accounting(Accounting.builder().ledger(blocked).build()).build();
    try {
      List<CompletableFuture<Completion>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(client.chatAsync(ChatRequest.of("question " + i)));
      }
      // All eight attempts end on the thread that moves the clock: another thread than the test's,
      // so that if the sink holds that thread, it is not the test that hangs.
      CompletableFuture<Void> mover = CompletableFuture.runAsync(() -> clock.advance(Duration.ofMillis(200)));
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      mover.get(10, TimeUnit.SECONDS);
      assertThat(calls).allSatisfy(c -> assertThat(c.join().text()).isNotBlank());
      assertThat(written).as("the sink is still blocked: no record was written on the calls' thread").isEmpty();
    } finally {
      release.countDown();
      client.close(); // flushes the queue
    }
    assertThat(written).hasSize(8);
  }

  @Test
  void aLedgerSinkThatThrowsHasItsRecordsRetriedAndLosesNone() {
    AtomicInteger writes = new AtomicInteger();
    List<LedgerRecord> written = new CopyOnWriteArrayList<>();
    LedgerSink flaky = record -> {
      if (writes.incrementAndGet() % 2 == 1) {
        throw new IllegalStateException("database hiccup");
      }
      written.add(record);
    };
    try (LlmClient client = LlmClient.builder().model("m", model(Duration.ZERO)).clock(clock).scheduler(scheduler)
        .accounting(Accounting.builder().ledger(flaky).build()).build()) {
      for (int i = 0; i < 10; i++) {
        client.chat(ChatRequest.of("question " + i));
      }
      // Retries wait on the client's scheduler: move its clock until every record is in.
      awaitWhileAdvancing(() -> written.size() >= 10, "ten records written");
    }
    assertThat(written).hasSize(10);
    Set<String> keys = new HashSet<>();
    written.forEach(r -> keys.add(r.callId() + "#" + r.attempt()));
    assertThat(keys).as("each attempt's record exactly once").hasSize(10);
  }

  @Test
  void aSinkThatAlwaysThrowsNeverAffectsACallAndWhatItsQueueCannotHoldIsDroppedCountedAndReported() {
    List<SinkEvent> events = new CopyOnWriteArrayList<>();
    LedgerSink down = record -> {
      throw new IllegalStateException("database down");
    };
    SinkQueue queue = SinkQueue.builder().capacity(4).closeTimeout(Duration.ZERO).listener(events::add).build();
    LlmClient client = LlmClient.builder().model("m", model(Duration.ZERO)).clock(clock).scheduler(scheduler)
        .accounting(Accounting.builder().ledger(down).ledgerQueue(queue).build()).build();
    try {
      for (int i = 0; i < 10; i++) {
        assertThat(client.chat(ChatRequest.of("question " + i)).text()).isNotBlank();
      }
      SinkStats s = client.sinkStats().get(0);
      assertThat(s.name()).isEqualTo("ledger");
      assertThat(s.offered()).isEqualTo(10);
      assertThat(s.depth()).as("waiting for the sink, the one being written included").isEqualTo(4);
      assertThat(s.drops()).containsEntry(SinkEvent.DropReason.QUEUE_FULL, 6L);
      awaitTrue(() -> client.sinkStats().get(0).failures() >= 1, "the first write failed");
      clock.advance(Duration.ofSeconds(1));
      awaitTrue(() -> client.sinkStats().get(0).retries() >= 2, "a retry after the backoff");
      assertThat(events).filteredOn(e -> e.kind() == SinkEvent.Kind.DROPPED).hasSize(6)
          .allSatisfy(e -> assertThat(e.reason()).isEqualTo(SinkEvent.DropReason.QUEUE_FULL));
      assertThat(events).anySatisfy(e -> {
        assertThat(e.kind()).isEqualTo(SinkEvent.Kind.WRITE_FAILED);
        assertThat(e.detail()).contains("IllegalStateException").doesNotContain("database down");
      });
    } finally {
      client.close();
    }
    SinkStats after = client.sinkStats().get(0);
    assertThat(after.drops()).containsEntry(SinkEvent.DropReason.CLOSED, 4L);
    assertThat(after.delivered() + after.dropped()).isEqualTo(after.offered());
  }

  @Test
  void ledgerRecordsWaitInTheJournalAcrossARestartAndArriveOnceNothingLostNothingDoubled() {
    Path journal = dir.resolve("ledger.journal");
    SinkQueue queue = SinkQueue.builder().capacity(2).maxBatch(3).overflow(OverflowPolicy.JOURNAL).journal(journal)
        .closeTimeout(Duration.ZERO).build();
    LedgerSink down = record -> {
      throw new IllegalStateException("database down");
    };
    Set<String> made = new HashSet<>();
    try (LlmClient client = LlmClient.builder().model("m", model(Duration.ZERO)).clock(clock).scheduler(scheduler)
        .accounting(Accounting.builder().ledger(down).ledgerQueue(queue).build()).build()) {
      for (int i = 0; i < 10; i++) {
        made.add(client.chat(ChatRequest.of("question " + i)).callId() + "#1");
      }
      assertThat(client.sinkStats().get(0).journaled()).isEqualTo(8);
    }

    List<List<LedgerRecord>> batches = new CopyOnWriteArrayList<>();
    try (LlmClient restarted = LlmClient.builder().model("m", model(Duration.ZERO)).clock(clock).scheduler(scheduler)
        .accounting(Accounting.builder().ledger(LedgerSink.batched(batch -> batches.add(List.copyOf(batch))))
            .ledgerQueue(queue.toBuilder().closeTimeout(Duration.ofSeconds(30)).build()).build()).build()) {
      assertThat(restarted.sinkStats().get(0).replayed()).isEqualTo(10);
      made.add(restarted.chat(ChatRequest.of("after the restart")).callId() + "#1");
    }
    Set<String> written = new HashSet<>();
    int count = 0;
    for (List<LedgerRecord> batch : batches) {
      assertThat(batch).hasSizeLessThanOrEqualTo(3);
      for (LedgerRecord r : batch) {
        written.add(r.callId() + "#" + r.attempt());
        count++;
      }
    }
    assertThat(count).as("nothing doubled").isEqualTo(11);
    assertThat(written).as("nothing lost").isEqualTo(made);
  }

  private void awaitWhileAdvancing(BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      clock.advance(Duration.ofMillis(100));
      Thread.onSpinWait();
    }
  }

  private static void awaitTrue(BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
