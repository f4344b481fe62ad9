package dev.llmops.eval.monitor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.eval.monitor.DriftEvent;
import dev.llmops.eval.monitor.DriftMonitor;
import dev.llmops.eval.monitor.DriftStore;
import dev.llmops.eval.monitor.MonitorKey;
import dev.llmops.eval.monitor.Signal;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link DriftStore} keeps, as tests a store's own test class inherits (this
 * class ships in llmops-eval's test jar): offered windows come out of a drain in offer order, a
 * drain empties the store and only the holder of the right to check drains, monitors are kept
 * apart, offers racing with drains are neither lost nor drained twice, one replica at a time holds
 * the right to check, and two drift monitors sharing the store compare like one that saw every
 * value.
 */
public abstract class DriftStoreContract {
  /** A lease long enough that no test sees it run out. */
  protected static final Duration LEASE = Duration.ofMinutes(5);

  private static final MonitorKey KEY = new MonitorKey("support", "answer@3", "smart", "");

  /** For the store's test class. */
  protected DriftStoreContract() {}

  /**
   * A store over the shared backend, as one replica would open it; each call may return a new
   * instance (a new connection), all seeing the same data.
   */
  protected abstract DriftStore replica();

  /** A monitor name no other test uses. */
  protected static String newMonitor() {
    return "drift-" + UUID.randomUUID();
  }

  @Test
  void offersAreDrainedInOfferOrderAndADrainEmptiesTheStore() {
    String m = newMonitor();
    DriftStore a = replica();
    DriftStore b = replica();
    assertThat(a.tryCheck(m, "a", LEASE)).isTrue();
    assertThat(a.drain(m, "a")).isEmpty();
    b.offer(m, "{\"n\":1}");
    a.offer(m, "{\"n\":2,\"text\":\"Où\"}");
    b.offer(m, "{\"n\":3}");
    b.offer(m, "{\"n\":3}"); // the same text twice is two offers
    assertThat(a.drain(m, "a")).containsExactly("{\"n\":1}", "{\"n\":2,\"text\":\"Où\"}", "{\"n\":3}", "{\"n\":3}");
    assertThat(a.drain(m, "a")).as("drained").isEmpty();
    b.offer(m, "{\"n\":4}");
    assertThat(a.drain(m, "a")).containsExactly("{\"n\":4}");
    a.release(m, "a");
  }

  @Test
  void onlyTheHolderOfTheRightToCheckDrains() {
    String m = newMonitor();
    DriftStore a = replica();
    DriftStore b = replica();
    a.offer(m, "{\"n\":1}");
    assertThat(a.drain(m, "a")).as("nobody holds the right").isEmpty();
    assertThat(a.tryCheck(m, "a", LEASE)).isTrue();
    assertThat(b.drain(m, "b")).as("fenced").isEmpty();
    assertThat(a.drain(m, "a")).as("the fenced drains took nothing").containsExactly("{\"n\":1}");
    b.offer(m, "{\"n\":2}");
    a.release(m, "a");
    assertThat(a.drain(m, "a")).as("released").isEmpty();
    assertThat(b.tryCheck(m, "b", LEASE)).isTrue();
    assertThat(b.drain(m, "b")).containsExactly("{\"n\":2}");
    b.release(m, "b");
  }

  @Test
  void monitorsAreKeptApart() {
    String m = newMonitor();
    String other = newMonitor();
    DriftStore a = replica();
    a.offer(m, "{\"n\":1}");
    a.offer(other, "{\"n\":2}");
    assertThat(a.tryCheck(m, "a", LEASE)).isTrue();
    assertThat(a.tryCheck(other, "b", LEASE)).as("another monitor has its own right to check").isTrue();
    assertThat(a.drain(m, "a")).containsExactly("{\"n\":1}");
    assertThat(a.drain(other, "a")).as("b holds that one").isEmpty();
    assertThat(a.drain(other, "b")).containsExactly("{\"n\":2}");
    a.release(m, "a");
    a.release(other, "b");
  }

  @Test
  void oneReplicaAtATimeHoldsTheRightToCheck() {
    SingleHolder.oneReplicaAtATime(newMonitor(), right(replica()), right(replica()));
  }

  private static SingleHolder.Right right(DriftStore store) {
    return new SingleHolder.Right() {
      @Override
      public boolean tryTake(String monitor, String replica) {
        return store.tryCheck(monitor, replica, LEASE);
      }

      @Override
      public void release(String monitor, String replica) {
        store.release(monitor, replica);
      }
    };
  }

  @Test
  void offersRacingWithDrainsAreNeitherLostNorDrainedTwice() throws Exception {
    String m = newMonitor();
    DriftStore drainer = replica();
    assertThat(drainer.tryCheck(m, "checker", LEASE)).isTrue();
    int writers = 3;
    int each = 150;
    CountDownLatch halfway = new CountDownLatch(writers);
    CountDownLatch draining = new CountDownLatch(1);
    List<CompletableFuture<Void>> offers = new ArrayList<>();
    for (int t = 0; t < writers; t++) {
      DriftStore s = replica();
      String w = "w" + t;
      offers.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < each; i++) {
          if (i == each / 2) {
            halfway.countDown();
            await(draining); // the second half is offered while the checker drains
          }
          s.offer(m, w + ":" + i);
        }
      }, runnable -> new Thread(runnable, "offer-" + w).start()));
    }
    assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> all = CompletableFuture.allOf(offers.toArray(CompletableFuture[]::new));
    List<String> drained = new ArrayList<>(drainer.drain(m, "checker"));
    assertThat(drained).as("the first halves, offered before this drain").hasSizeGreaterThanOrEqualTo(writers * each / 2);
    draining.countDown();
    while (!all.isDone()) {
      drained.addAll(drainer.drain(m, "checker"));
    }
    all.get(60, TimeUnit.SECONDS);
    drained.addAll(drainer.drain(m, "checker"));
    assertThat(new HashSet<>(drained)).as("nothing drained twice").hasSameSizeAs(drained);
    assertThat(drained).as("nothing lost").hasSize(writers * each);
    for (int t = 0; t < writers; t++) {
      String w = "w" + t + ":";
      List<Integer> own = drained.stream().filter(x -> x.startsWith(w))
          .map(x -> Integer.parseInt(x.substring(w.length()))).toList();
      assertThat(own).as("one replica's offers in its order").isSorted().hasSize(each);
    }
    drainer.release(m, "checker");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the checker did not start draining");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void twoMonitorsSharingTheStoreCompareLikeOneThatSawEveryValue() {
    TestClock clock = TestClock.create();
    String m = newMonitor();
    List<DriftEvent> whole = new ArrayList<>();
    List<DriftEvent> checked = new ArrayList<>();
    List<DriftEvent> followed = new ArrayList<>();
    DriftMonitor all = DriftMonitor.builder().clock(clock).minSamples(300).comparisonListener(whole::add).build();
    try (DriftMonitor a = DriftMonitor.builder().clock(clock).minSamples(300).comparisonListener(checked::add)
            .share(replica(), m, "a").build();
        DriftMonitor b = DriftMonitor.builder().clock(clock).minSamples(300).comparisonListener(followed::add)
            .share(replica(), m, "b").build()) {
      assertThat(a.check()).isEmpty(); // a takes the right to check
      Random r = new Random(11);
      for (double median : new double[] {800, 800, 1400}) {
        for (int i = 0; i < 400; i++) {
          double latency = median * Math.exp(0.5 * r.nextGaussian());
          double outcome = r.nextInt(10) == 0 ? 1 : 0;
          all.record(KEY, Signal.LATENCY_MS, latency);
          all.record(KEY, Signal.OUTCOME, outcome);
          DriftMonitor replica = r.nextBoolean() ? a : b;
          replica.record(KEY, Signal.LATENCY_MS, latency);
          replica.record(KEY, Signal.OUTCOME, outcome);
        }
        assertThat(b.check()).as("b only offers").isEmpty();
        assertThat(a.check()).hasSameSizeAs(all.check());
        clock.advance(Duration.ofMinutes(1));
      }
      assertThat(followed).isEmpty();
      assertThat(checked).hasSize(4).hasSameSizeAs(whole);
      for (int i = 0; i < whole.size(); i++) {
        DriftEvent w = whole.get(i);
        DriftEvent p = checked.get(i);
        assertThat(p.signal()).isEqualTo(w.signal());
        assertThat(p.psi()).isEqualTo(w.psi());
        assertThat(p.pValue()).isEqualTo(w.pValue());
        assertThat(p.referenceCount()).isEqualTo(w.referenceCount());
        assertThat(p.currentCount()).isEqualTo(w.currentCount());
        assertThat(p.drifted()).isEqualTo(w.drifted());
      }
      assertThat(checked.get(2).signal()).isEqualTo(Signal.LATENCY_MS);
      assertThat(checked.get(2).drifted()).as("the latency's shift").isTrue();
      assertThat(a.storeFailures() + b.storeFailures()).isZero();
      assertThat(a.rejectedWindows()).isZero();
    }
  }
}
