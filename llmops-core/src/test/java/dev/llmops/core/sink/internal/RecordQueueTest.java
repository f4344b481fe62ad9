package dev.llmops.core.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.Cancellable;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.sink.BatchSink;
import dev.llmops.core.sink.OverflowPolicy;
import dev.llmops.core.sink.SinkEvent;
import dev.llmops.core.sink.SinkEvent.DropReason;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.sink.SinkStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record queue on hand-moved time: batches, order, retries with backoff, each overflow policy,
 * the journal across a restart, and close. Drains run on {@link Hand#runTasks} unless a test needs
 * the queue's own thread.
 */
class RecordQueueTest {
  private final Hand hand = new Hand();
  private final List<SinkEvent> events = new CopyOnWriteArrayList<>();
  private final ScriptedSink sink = new ScriptedSink();

  @TempDir Path dir;

  private SinkQueue.Builder config() {
    return SinkQueue.builder().listener(events::add).retryBackoff(Duration.ofMillis(100), Duration.ofMillis(350));
  }

  private RecordQueue<Rec> queue(SinkQueue config, BatchSink<Rec> to, boolean perRecord) {
    return new RecordQueue<>("test", config, to, perRecord, Rec.CODEC, hand, hand, hand);
  }

  private RecordQueue<Rec> queue(SinkQueue config) {
    return queue(config, sink, false);
  }

  private static void offer(RecordQueue<Rec> q, int from, int to) {
    for (int i = from; i < to; i++) {
      q.offer(new Rec(i));
    }
  }

  private static List<Integer> ids(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }

  private static void assertBalanced(SinkStats s) {
    assertThat(s.offered() + s.replayed())
        .as("offered + replayed == delivered + dropped + corrupt + pending: %s", s)
        .isEqualTo(s.delivered() + s.dropped() + s.corruptLines() + s.depth() + s.journaled());
  }

  private List<SinkEvent> eventsOf(SinkEvent.Kind kind) {
    return events.stream().filter(e -> e.kind() == kind).toList();
  }

  @Test
  void deliversInBatchesOfAtMostMaxBatchInTheOrderOffered() {
    RecordQueue<Rec> q = queue(config().maxBatch(3).build());
    offer(q, 0, 7);
    assertThat(sink.attempts()).as("nothing is written on the offering thread").isEmpty();
    hand.runTasks();
    assertThat(sink.attempts()).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6));
    SinkStats s = q.stats();
    assertThat(s.delivered()).isEqualTo(7);
    assertThat(s.depth()).isZero();
    assertBalanced(s);
  }

  @Test
  void aFailedBatchIsRetriedWithDoublingCappedBackoffBeforeAnythingBehindItAndNothingIsLost() {
    RecordQueue<Rec> q = queue(config().maxBatch(2).build());
    sink.failNext(4);
    offer(q, 0, 4);
    hand.runTasks();
    assertThat(hand.pendingDelays()).containsExactly(Duration.ofMillis(100));
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      waits.add(hand.pendingDelays().get(0));
      hand.advance(hand.pendingDelays().get(0));
      hand.runTasks();
    }
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350),
        Duration.ofMillis(350));
    assertThat(sink.written()).containsExactly(0, 1, 2, 3);
    assertThat(sink.attempts()).startsWith(List.of(0, 1), List.of(0, 1), List.of(0, 1), List.of(0, 1), List.of(0, 1));
    SinkStats s = q.stats();
    assertThat(s.failures()).isEqualTo(4);
    assertThat(s.retries()).isEqualTo(4);
    assertThat(s.dropped()).isZero();
    assertThat(eventsOf(SinkEvent.Kind.WRITE_FAILED)).hasSize(4);
    assertThat(eventsOf(SinkEvent.Kind.RECOVERED)).hasSize(1);
    assertBalanced(s);
  }

  @Test
  void aSingleRecordSinkGetsOneRecordAtATimeSoAFailureRetriesOnlyThatRecord() {
    List<Integer> seen = new ArrayList<>();
    int[] calls = {0};
    RecordQueue<Rec> q = queue(config().maxBatch(50).build(), batch -> {
      assertThat(batch).hasSize(1);
      if (calls[0]++ == 2) {
        throw new IllegalStateException("third write fails");
      }
      seen.add(batch.get(0).id());
    }, true);
    offer(q, 0, 5);
    hand.runTasks();
    assertThat(seen).containsExactly(0, 1);
    hand.advance(Duration.ofMillis(100));
    hand.runTasks();
    assertThat(seen).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void afterMaxAttemptsABatchIsDroppedCountedAndReportedAndTheRestGoesOn() {
    RecordQueue<Rec> q = queue(config().maxBatch(2).maxAttempts(3).build());
    sink.failNext(3);
    offer(q, 0, 3);
    hand.runTasks();
    hand.advance(Duration.ofSeconds(1));
    hand.runTasks();
    hand.advance(Duration.ofSeconds(1));
    hand.runTasks();
    assertThat(sink.written()).containsExactly(2);
    SinkStats s = q.stats();
    assertThat(s.drops()).containsEntry(DropReason.RETRIES_EXHAUSTED, 2L);
    assertThat(eventsOf(SinkEvent.Kind.DROPPED)).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(DropReason.RETRIES_EXHAUSTED);
      assertThat(e.records()).isEqualTo(2);
      assertThat(e.detail()).contains("after 3 attempts").contains("IllegalStateException");
    });
    assertBalanced(s);
  }

  @Test
  void dropPolicyDropsWhatDoesNotFitCountsItAndSaysSo() {
    RecordQueue<Rec> q = queue(config().capacity(2).overflow(OverflowPolicy.DROP).build());
    assertThat(q.offer(new Rec(0))).isEqualTo(RecordQueue.Offer.ACCEPTED);
    assertThat(q.offer(new Rec(1))).isEqualTo(RecordQueue.Offer.ACCEPTED);
    assertThat(q.offer(new Rec(2))).isEqualTo(RecordQueue.Offer.DROPPED);
    SinkStats s = q.stats();
    assertThat(s.depth()).isEqualTo(2);
    assertThat(s.drops()).containsEntry(DropReason.QUEUE_FULL, 1L);
    assertThat(eventsOf(SinkEvent.Kind.DROPPED)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(DropReason.QUEUE_FULL));
    assertBalanced(s);
    hand.runTasks();
    assertThat(sink.written()).containsExactly(0, 1);
  }

  @Test
  void blockPolicyWaitsForRoomAndTakesTheRecordWhenTheSinkCatchesUp() throws Exception {
    RecordQueue<Rec> q = queue(config().capacity(1).overflow(OverflowPolicy.BLOCK).blockTimeout(Duration.ofSeconds(60)).build());
    q.offer(new Rec(0));
    CompletableFuture<RecordQueue.Offer> blocked = CompletableFuture.supplyAsync(() -> q.offer(new Rec(1)));
    awaitTrue(() -> hand.pendingTimers() == 1, "the offer waits, with its deadline scheduled");
    assertThat(blocked).isNotDone();
    hand.runTasks(); // the sink takes record 0: room for record 1
    assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo(RecordQueue.Offer.ACCEPTED);
    hand.runTasks();
    assertThat(sink.written()).containsExactly(0, 1);
    assertThat(hand.pendingTimers()).as("the deadline task is cancelled").isZero();
  }

  @Test
  void blockPolicyGivesUpAtTheDeadlineOnTheInjectedClockWithATypedOutcome() throws Exception {
    RecordQueue<Rec> q = queue(config().capacity(1).overflow(OverflowPolicy.BLOCK).blockTimeout(Duration.ofSeconds(60)).build());
    q.offer(new Rec(0));
    CompletableFuture<RecordQueue.Offer> blocked = CompletableFuture.supplyAsync(() -> q.offer(new Rec(1)));
    awaitTrue(() -> hand.pendingTimers() == 1, "the offer waits, with its deadline scheduled");
    hand.advance(Duration.ofMillis(59_999));
    assertThat(blocked).isNotDone();
    hand.advance(Duration.ofMillis(1));
    assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo(RecordQueue.Offer.DROPPED);
    assertThat(q.stats().drops()).containsEntry(DropReason.BLOCK_TIMEOUT, 1L);
    assertThat(eventsOf(SinkEvent.Kind.DROPPED)).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(DropReason.BLOCK_TIMEOUT);
      assertThat(e.at()).isEqualTo(hand.instant());
    });
    assertBalanced(q.stats());
  }

  @Test
  void journalPolicySpillsWhatDoesNotFitAndReadsItBackInOrderWhenThereIsRoom() throws IOException {
    Path file = dir.resolve("q.journal");
    RecordQueue<Rec> q = queue(config().capacity(2).maxBatch(2).overflow(OverflowPolicy.JOURNAL).journal(file).build());
    sink.failNext(1);
    offer(q, 0, 2);
    hand.runTasks(); // the first write fails: the sink is down
    assertThat(q.offer(new Rec(2))).isEqualTo(RecordQueue.Offer.JOURNALED);
    offer(q, 3, 9);
    SinkStats during = q.stats();
    assertThat(during.depth()).isEqualTo(2);
    assertThat(during.journaled()).isEqualTo(7);
    assertThat(Files.readAllLines(file)).hasSize(7).first().isEqualTo("{\"v\":1,\"id\":2}");
    assertBalanced(during);
    hand.advance(Duration.ofMillis(100));
    hand.runTasks();
    assertThat(sink.written()).isEqualTo(ids(0, 9));
    assertThat(q.stats().dropped()).isZero();
    assertThat(Files.size(file)).as("a journal fully delivered is emptied").isZero();
    assertThat(dir.resolve("q.journal.pos")).doesNotExist();
    q.offer(new Rec(9));
    hand.runTasks();
    assertThat(sink.written()).isEqualTo(ids(0, 10));
    assertBalanced(q.stats());
  }

  @Test
  void aJournalSurvivesARestartAndOnlyWhatWasNotDeliveredIsReplayed() throws IOException {
    Path file = dir.resolve("ledger.journal");
    SinkQueue cfg = config().capacity(2).maxBatch(2).overflow(OverflowPolicy.JOURNAL).journal(file)
        .closeTimeout(Duration.ZERO).build();
    RecordQueue<Rec> first = queue(cfg);
    offer(first, 0, 10); // 0 and 1 in memory, 2..9 in the journal
    sink.failNext(0);
    hand.runTasks(); // delivers 0,1, reads 2,3 back and delivers them, ... until
    assertThat(sink.written()).isEqualTo(ids(0, 10));
    offer(first, 10, 16); // 10, 11 in memory, 12..15 journaled
    sink.failNext(1_000);
    hand.runTasks();
    first.close(); // the sink is down: 10, 11 go to the journal too, after 12..15
    assertThat(first.stats().journaled()).isEqualTo(6);
    assertThat(first.stats().depth()).isZero();
    assertBalanced(first.stats());
    assertThat(first.offer(new Rec(99))).as("the journal is closed with the queue").isEqualTo(RecordQueue.Offer.DROPPED);

    ScriptedSink afterRestart = new ScriptedSink();
    RecordQueue<Rec> second = queue(cfg, afterRestart, false);
    assertThat(eventsOf(SinkEvent.Kind.JOURNAL_REPLAYED)).singleElement()
        .satisfies(e -> assertThat(e.records()).isEqualTo(6));
    assertThat(second.stats().replayed()).isEqualTo(6);
    hand.runTasks();
    assertThat(afterRestart.written()).as("replayed before anything new; memory's records after the journal's")
        .containsExactly(12, 13, 14, 15, 10, 11);
    assertBalanced(second.stats());
    second.close();
  }

  @Test
  void aRestartAfterAStopMidwayReplaysOnlyFromTheLastDeliveredPosition() throws IOException {
    Path file = dir.resolve("crash.journal");
    SinkQueue cfg = config().capacity(1).maxBatch(1).overflow(OverflowPolicy.JOURNAL).journal(file)
        .closeTimeout(Duration.ZERO).build();
    RecordQueue<Rec> first = queue(cfg);
    sink.failNext(1_000);
    offer(first, 0, 6); // 0 in memory, 1..5 journaled
    hand.runTasks(); // record 0 fails: the sink is down
    first.close(); // 0 joins the journal, after 1..5
    assertThat(Files.readAllLines(file)).hasSize(6);

    List<Integer> delivered = new ArrayList<>();
    RecordQueue<Rec> second = queue(cfg, batch -> {
      if (delivered.size() == 3) {
        throw new IllegalStateException("the database goes away again");
      }
      batch.forEach(r -> delivered.add(r.id()));
    }, false);
    hand.runTasks();
    assertThat(delivered).containsExactly(1, 2, 3);
    assertThat(Files.readString(dir.resolve("crash.journal.pos")).trim())
        .as("the position file names the end of the third line").isEqualTo(String.valueOf(byteOffsetAfterLines(file, 3)));
    // Stopping here leaves the journal as a crash would (a crash also releases the file's lock).
    second.close();
    assertThat(second.stats().journaled()).isEqualTo(3);
    assertBalanced(second.stats());

    ScriptedSink third = new ScriptedSink();
    RecordQueue<Rec> afterRestart = queue(cfg, third, false);
    assertThat(afterRestart.stats().replayed()).isEqualTo(3);
    hand.runTasks();
    assertThat(third.written()).as("nothing delivered before the stop comes again").containsExactly(4, 5, 0);
    afterRestart.close();
  }

  private static long byteOffsetAfterLines(Path file, int lines) throws IOException {
    List<String> all = Files.readAllLines(file);
    long off = 0;
    for (int i = 0; i < lines; i++) {
      off += all.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return off;
  }

  @Test
  void aJournalLeftByACrashedProcessIsReplayedAndCorruptLinesAreCountedWithFileAndLineNeverSilently() throws IOException {
    Path file = dir.resolve("left.journal");
    // The last line was cut by the crash: no closing brace, no line break.
    Files.writeString(file, """
        {"v":1,"id":1}
        {"v":1,"id":2}
        not json at all
        {"v":1,"ident":4}
        {"v":1,"id":5}
        {"v":1,"id":6""");
    RecordQueue<Rec> q = queue(config().overflow(OverflowPolicy.JOURNAL).journal(file).build());
    hand.runTasks();
    assertThat(sink.written()).containsExactly(1, 2, 5);
    SinkStats s = q.stats();
    assertThat(s.replayed()).isEqualTo(6);
    assertThat(s.corruptLines()).isEqualTo(3);
    assertBalanced(s);
    assertThat(eventsOf(SinkEvent.Kind.JOURNAL_CORRUPT)).extracting(SinkEvent::detail).satisfiesExactly(
        d -> assertThat(d).contains(file + ":3: not JSON"),
        d -> assertThat(d).contains(file + ":4: field 'id': expected a 32-bit integer but found nothing"),
        d -> assertThat(d).contains(file + ":6: not JSON"));
    assertThat(Files.readAllLines(dir.resolve("left.journal.corrupt")))
        .containsExactly("not json at all", "{\"v\":1,\"ident\":4}", "{\"v\":1,\"id\":6");
    assertThat(Files.size(file)).as("everything in it was settled").isZero();
  }

  @Test
  void oneJournalFileServesOneQueueAtATime() {
    SinkQueue cfg = config().overflow(OverflowPolicy.JOURNAL).journal(dir.resolve("shared.journal")).build();
    RecordQueue<Rec> first = queue(cfg);
    assertThatThrownBy(() -> queue(cfg))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.resolve("shared.journal").toString())
        .hasMessageContaining("in use by another sink queue");
    first.close();
    queue(cfg).close(); // free again once closed
  }

  @Test
  void aFullJournalDropsCountedRatherThanGrowWithoutBound() {
    RecordQueue<Rec> q = queue(config().capacity(1).overflow(OverflowPolicy.JOURNAL).journal(dir.resolve("small.journal"))
        .journalMaxBytes(1024).build());
    int journaled = 0;
    int dropped = 0;
    for (int i = 0; i < 200; i++) {
      switch (q.offer(new Rec(i))) {
        case JOURNALED -> journaled++;
        case DROPPED -> dropped++;
        case ACCEPTED -> { }
      }
    }
    assertThat(journaled).isBetween(60, 120); // lines of 14 to 16 bytes in 1 KiB
    assertThat(dropped).isEqualTo(199 - journaled);
    assertThat(q.stats().drops()).containsEntry(DropReason.JOURNAL_FULL, (long) dropped);
    assertBalanced(q.stats());
  }

  @Test
  void closeFlushesWhatIsQueuedOnTheQueuesOwnThread() {
    RecordQueue<Rec> q = RecordQueue.open("own", config().build(), sink, false, Rec.CODEC, hand, hand);
    offer(q, 0, 500);
    q.close();
    assertThat(sink.written()).isEqualTo(ids(0, 500));
    assertThat(q.stats().depth()).isZero();
    assertThat(q.offer(new Rec(500))).isEqualTo(RecordQueue.Offer.DROPPED);
    assertThat(q.stats().drops()).containsEntry(DropReason.CLOSED, 1L);
  }

  @Test
  void closeWaitsAtMostItsTimeoutOnTheInjectedClockThenCountsWhatIsLeft() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> written = new CopyOnWriteArrayList<>();
    RecordQueue<Rec> q = RecordQueue.open("slow", config().maxBatch(1).closeTimeout(Duration.ofSeconds(60)).build(),
        batch -> {
          release.await();
          written.add(batch.get(0).id());
        }, false, Rec.CODEC, hand, hand);
    try {
      offer(q, 0, 3);
      CompletableFuture<Void> closing = CompletableFuture.runAsync(q::close);
      awaitTrue(() -> hand.pendingTimers() == 1, "close waits, with its deadline scheduled");
      hand.advance(Duration.ofMillis(59_999));
      assertThat(closing).isNotDone();
      hand.advance(Duration.ofMillis(1));
      closing.get(10, TimeUnit.SECONDS);
      SinkStats s = q.stats();
      assertThat(s.drops()).containsEntry(DropReason.CLOSED, 3L);
      assertThat(s.depth()).isZero();
      assertBalanced(s);
    } finally {
      release.countDown();
    }
    awaitTrue(() -> written.size() == 1, "the write in progress finishes");
    assertThat(q.stats().delivered()).as("close already settled it").isZero();
  }

  @Test
  void aSlowSinkNeverHoldsUpTheOfferingThread() {
    CountDownLatch release = new CountDownLatch(1);
    RecordQueue<Rec> q = RecordQueue.open("latched", config().capacity(10_000).build(), batch -> release.await(), false,
        Rec.CODEC, hand, hand);
    try {
      for (int i = 0; i < 5_000; i++) {
        assertThat(q.offer(new Rec(i))).isEqualTo(RecordQueue.Offer.ACCEPTED);
      }
      assertThat(release.getCount()).as("every offer returned while the sink was still blocked").isEqualTo(1);
      assertThat(q.stats().depth()).isEqualTo(5_000);
    } finally {
      release.countDown();
    }
    q.close();
    assertThat(q.stats().delivered()).isEqualTo(5_000);
  }

  @Test
  void aClockNobodyAdvancesCannotHangCloseBeyondItsTimeoutInRealTime() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordQueue<Rec> q = RecordQueue.open("frozen", config().closeTimeout(Duration.ofMillis(200)).build(),
        batch -> release.await(), false, Rec.CODEC, hand, hand);
    try {
      offer(q, 0, 2);
      CompletableFuture.runAsync(q::close).get(30, TimeUnit.SECONDS);
      assertThat(q.stats().drops()).containsEntry(DropReason.CLOSED, 2L);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aSchedulerThatRefusesTasksLeavesRetriesToTheQueuesOwnThread() {
    TaskSchedulerRefusing refusing = new TaskSchedulerRefusing();
    RecordQueue<Rec> q = RecordQueue.open("refused", config().retryBackoff(Duration.ofMillis(1), Duration.ofMillis(1)).build(),
        sink, false, Rec.CODEC, Clock.systemUTC(), refusing);
    sink.failNext(2);
    offer(q, 0, 3);
    awaitTrue(() -> sink.written().size() == 3, "the records are written after two retries");
    assertThat(refusing.refused.get()).as("the injected scheduler was asked first").isPositive();
    assertThat(q.stats().retries()).isEqualTo(2);
    q.close();
  }

  /** A scheduler that has been shut down. */
  private static final class TaskSchedulerRefusing implements TaskScheduler {
    final AtomicInteger refused = new AtomicInteger();

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
      refused.incrementAndGet();
      throw new RejectedExecutionException("scheduler closed");
    }
  }

  @Test
  void aListenerThatThrowsChangesNothing() {
    RecordQueue<Rec> q = queue(SinkQueue.builder().capacity(1).listener(e -> {
      throw new IllegalStateException("listener bug");
    }).build());
    q.offer(new Rec(0));
    assertThat(q.offer(new Rec(1))).isEqualTo(RecordQueue.Offer.DROPPED);
    hand.runTasks();
    assertThat(sink.written()).containsExactly(0);
  }

  @Test
  void numberedQueuesOfOneOwnerGetJournalsOfTheirOwn() {
    SinkQueue cfg = SinkQueue.builder().overflow(OverflowPolicy.JOURNAL).journal(dir.resolve("audit.journal")).build();
    assertThat(RecordQueue.numbered(cfg, 0)).isSameAs(cfg);
    assertThat(RecordQueue.numbered(cfg, 2).journal()).isEqualTo(dir.resolve("audit.journal.2"));
    assertThat(RecordQueue.numbered(SinkQueue.defaults(), 3)).isSameAs(SinkQueue.defaults());
  }

  static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.onSpinWait();
    }
  }
}
