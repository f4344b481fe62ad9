package dev.llmops.core.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.core.sink.BatchSink;
import dev.llmops.core.sink.OverflowPolicy;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.sink.SinkStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Count conservation under random failures, overflows and restarts: every record offered is
 * delivered exactly once or dropped by the policy, counted; nothing else. Runs single-threaded on
 * hand-moved time, so every interleaving is reproducible and shrinks.
 */
class RecordQueueProperties {

  sealed interface Op permits Offer, Fail, Drain, Advance, Restart {}

  /** Offers the next {@code n} records. */
  record Offer(int n) implements Op {}

  /** The sink fails its next {@code n} writes. */
  record Fail(int n) implements Op {}

  /** The queue's thread gets to run. */
  record Drain() implements Op {}

  /** Time passes: retries fall due. */
  record Advance(int millis) implements Op {}

  /** The queue is closed (no waiting) and a new one opened on the same configuration: a restart. */
  record Restart() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.integers().between(1, 5).map(Offer::new)),
        Tuple.of(2, Arbitraries.integers().between(0, 3).map(Fail::new)),
        Tuple.of(3, Arbitraries.just(new Drain())),
        Tuple.of(2, Arbitraries.integers().between(50, 1_000).map(Advance::new)),
        Tuple.of(1, Arbitraries.just(new Restart())));
    return op.list().ofMaxSize(40);
  }

  @Provide
  Arbitrary<OverflowPolicy> policies() {
    return Arbitraries.of(OverflowPolicy.values());
  }

  @Property(tries = 400)
  void everyRecordIsDeliveredExactlyOnceOrCountedAsDroppedByThePolicy(
      @ForAll("ops") List<Op> ops,
      @ForAll("policies") OverflowPolicy policy,
      @ForAll @IntRange(min = 1, max = 6) int capacity,
      @ForAll @IntRange(min = 1, max = 4) int maxBatch,
      @ForAll @IntRange(min = 0, max = 3) int maxAttempts,
      @ForAll boolean perRecord) throws IOException {
    Path dir = Files.createTempDirectory("record-queue");
    List<RecordQueue<Rec>> queues = new ArrayList<>();
    try {
      Hand hand = new Hand();
      SinkQueue.Builder b = SinkQueue.builder().capacity(capacity).maxBatch(maxBatch).maxAttempts(maxAttempts)
          .overflow(policy).blockTimeout(Duration.ZERO).closeTimeout(Duration.ZERO)
          .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
      if (policy == OverflowPolicy.JOURNAL) {
        b.journal(dir.resolve("q.journal"));
      }
      SinkQueue config = b.build();
      ScriptedSink sink = new ScriptedSink();
      BatchSink<Rec> to = perRecord ? batch -> {
        assertThat(batch).hasSize(1);
        sink.write(batch);
      } : sink;
      queues.add(new RecordQueue<>("p", config, to, perRecord, Rec.CODEC, hand, hand, hand));
      int next = 0;
      boolean restarted = false;
      for (Op op : ops) {
        RecordQueue<Rec> q = queues.get(queues.size() - 1);
        if (op instanceof Offer o) {
          for (int i = 0; i < o.n(); i++) {
            q.offer(new Rec(next++));
          }
        } else if (op instanceof Fail f) {
          sink.failNext(f.n());
        } else if (op instanceof Drain) {
          hand.runTasks();
        } else if (op instanceof Advance a) {
          hand.advance(Duration.ofMillis(a.millis()));
        } else {
          q.close();
          assertBalanced(q.stats());
          queues.add(new RecordQueue<>("p", config, to, perRecord, Rec.CODEC, hand, hand, hand));
          restarted = true;
        }
        assertBalanced(q.stats());
      }
      sink.failNext(0);
      for (int i = 0; i < 100 && (hand.runTasks() > 0 || hand.pendingTimers() > 0); i++) {
        hand.advance(Duration.ofHours(1));
      }
      RecordQueue<Rec> last = queues.get(queues.size() - 1);
      assertThat(last.stats().pending()).as("everything settled: %s", last.stats()).isZero();

      List<Integer> written = sink.written();
      Set<Integer> distinct = new HashSet<>(written);
      assertThat(distinct).as("no record is delivered twice").hasSize(written.size());
      int offeredIds = next;
      assertThat(written).allSatisfy(id -> assertThat(id).isBetween(0, offeredIds - 1));
      long dropped = queues.stream().mapToLong(q -> q.stats().dropped()).sum();
      long offered = queues.stream().mapToLong(q -> q.stats().offered()).sum();
      assertThat(offered).isEqualTo(next);
      assertThat(written.size() + dropped).as("delivered + dropped == offered").isEqualTo(next);
      if (!restarted) {
        assertThat(written).as("delivered in the order offered").isSorted();
      }
      if (policy == OverflowPolicy.JOURNAL && maxAttempts == 0) {
        assertThat(dropped).as("a journal with unlimited retries loses nothing").isZero();
      }
    } finally {
      queues.forEach(RecordQueue::close);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  private static void assertBalanced(SinkStats s) {
    assertThat(s.offered() + s.replayed())
        .as("offered + replayed == delivered + dropped + corrupt + pending: %s", s)
        .isEqualTo(s.delivered() + s.dropped() + s.corruptLines() + s.depth() + s.journaled());
  }
}
