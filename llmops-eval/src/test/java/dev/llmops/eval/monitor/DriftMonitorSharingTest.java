package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Drift monitors of several replicas pooling their windows through a {@link DriftStore}: one
 * replica checks and compares like a monitor that saw every value, the right to check passes on
 * when its holder stops, a failing store loses no window, and malformed offers are counted and
 * left out.
 */
class DriftMonitorSharingTest {
  private static final MonitorKey KEY = new MonitorKey("support", "answer@3", "smart", "");
  private static final String NAME = "support-drift";

  private final TestClock clock = TestClock.create();

  private static double logNormal(Random r, double median, double sigma) {
    return median * Math.exp(sigma * r.nextGaussian());
  }

  private DriftMonitor.Builder replica(DriftStore store, String name, int minSamples, List<DriftEvent> compared) {
    return DriftMonitor.builder().clock(clock).minSamples(minSamples).comparisonListener(compared::add)
        .share(store, NAME, name);
  }

  /**
   * However the values are split between three replicas, the checker's comparisons (PSI, p-value,
   * counts, verdict) are exactly those of one monitor that saw them all, and the others compare
   * nothing.
   */
  @Property(tries = 30)
  void threeReplicasCompareLikeOneMonitorThatSawEverything(@ForAll long seed) {
    Random r = new Random(seed);
    DriftStore store = DriftStore.inMemory(clock);
    List<DriftEvent> whole = new ArrayList<>();
    List<DriftEvent> checked = new ArrayList<>();
    List<DriftEvent> followed = new ArrayList<>();
    DriftMonitor all = DriftMonitor.builder().clock(clock).minSamples(300).comparisonListener(whole::add).build();
    DriftMonitor a = replica(store, "a", 300, checked).build();
    DriftMonitor b = replica(store, "b", 300, followed).build();
    DriftMonitor c = replica(store, "c", 300, followed).build();
    assertThat(a.check()).isEmpty(); // a takes the right to check
    DriftMonitor[] replicas = {a, b, c};
    for (double median : new double[] {800, 800 * (1 + r.nextDouble()), 800}) {
      for (int i = 0; i < 300 + r.nextInt(100); i++) {
        double latency = logNormal(r, median, 0.7);
        double outcome = r.nextInt(10) == 0 ? 1 : 0;
        all.record(KEY, Signal.LATENCY_MS, latency);
        all.record(KEY, Signal.OUTCOME, outcome);
        DriftMonitor replica = replicas[r.nextInt(3)];
        replica.record(KEY, Signal.LATENCY_MS, latency);
        replica.record(KEY, Signal.OUTCOME, outcome);
      }
      assertThat(b.check()).isEmpty();
      assertThat(c.check()).isEmpty();
      List<DriftEvent> expected = all.check();
      assertThat(a.check()).isEqualTo(expected);
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(followed).as("only the holder compares").isEmpty();
    assertThat(whole).hasSize(4);
    assertThat(checked).as("same slices, signals, PSI, p-values, counts, verdicts and times").isEqualTo(whole);
  }

  @Test
  void theRightToCheckPassesOnWhenItsHolderStopsAndTheNewCheckerStartsWithNewReferences() {
    DriftStore store = DriftStore.inMemory(clock);
    List<DriftEvent> byA = new ArrayList<>();
    List<DriftEvent> byB = new ArrayList<>();
    DriftMonitor a = replica(store, "a", 200, byA).lease(Duration.ofMinutes(2)).build();
    DriftMonitor b = replica(store, "b", 200, byB).lease(Duration.ofMinutes(2)).build();
    Random r = new Random(3);
    assertThat(a.check()).isEmpty();
    record(b, r, 200, 800);
    assertThat(b.check()).isEmpty();
    assertThat(a.check()).as("b's window becomes a's reference").isEmpty();
    record(b, r, 200, 800);
    assertThat(b.check()).isEmpty();
    assertThat(a.check()).isEmpty();
    assertThat(byA).singleElement().satisfies(e -> assertThat(e.currentCount()).isEqualTo(200));
    // a stops checking (a long pause, a crash); b goes on offering.
    record(b, r, 200, 800);
    clock.advance(Duration.ofMinutes(1));
    assertThat(b.check()).as("a's lease runs until minute 2").isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(b.check()).as("b takes over: the pooled window becomes its reference").isEmpty();
    assertThat(byB).isEmpty();
    assertThat(b.windowCount(KEY, Signal.LATENCY_MS)).isZero();
    record(b, r, 200, 2400);
    assertThat(b.check()).singleElement().satisfies(e -> {
      assertThat(e.drifted()).isTrue();
      assertThat(e.referenceCount()).as("the window b drained when it took over").isEqualTo(200);
    });
    record(a, r, 50, 800);
    assertThat(a.check()).as("a is back, but b holds the right").isEmpty();
    assertThat(byA).hasSize(1);
    assertThat(b.windowCount(KEY, Signal.LATENCY_MS)).isZero();
    b.check();
    assertThat(b.windowCount(KEY, Signal.LATENCY_MS)).as("a's offer, pooled at b, not full yet").isEqualTo(50);
  }

  @Test
  void closingOffersTheWindowsAndReleasesTheRightToCheck() {
    DriftStore store = DriftStore.inMemory(clock);
    DriftMonitor a = replica(store, "a", 1000, new ArrayList<>()).build();
    DriftMonitor b = replica(store, "b", 1000, new ArrayList<>()).build();
    assertThat(a.check()).isEmpty();
    record(a, new Random(5), 120, 800);
    a.close();
    assertThat(a.windowCount(KEY, Signal.LATENCY_MS)).isZero();
    b.check();
    assertThat(b.windowCount(KEY, Signal.LATENCY_MS)).as("b holds the right at once and pooled a's windows").isEqualTo(120);
    assertThat(store.tryCheck(NAME, "a", Duration.ofMinutes(2))).isFalse();
  }

  @Test
  void aFailingStoreLosesNoWindowAndIsCounted() {
    FailingOnce store = new FailingOnce(DriftStore.inMemory(clock));
    List<DriftEvent> compared = new ArrayList<>();
    DriftMonitor a = replica(store, "a", 100, compared).build();
    Random r = new Random(9);
    assertThat(a.check()).isEmpty();
    record(a, r, 100, 800);
    store.failNext = "offer";
    assertThat(a.check()).isEmpty();
    assertThat(a.storeFailures()).isEqualTo(1);
    assertThat(a.lastStoreFailure()).contains("IllegalStateException: offer: the store is down");
    assertThat(a.windowCount(KEY, Signal.LATENCY_MS)).as("kept for the next check").isEqualTo(100);
    record(a, r, 50, 800);
    assertThat(a.check()).as("150 values: the reference").isEmpty();
    record(a, r, 150, 800);
    store.failNext = "drain";
    assertThat(a.check()).isEmpty();
    assertThat(a.storeFailures()).isEqualTo(2);
    assertThat(a.lastStoreFailure()).contains("IllegalStateException: drain: the store is down");
    store.failNext = "tryCheck";
    assertThat(a.check()).isEmpty();
    assertThat(a.storeFailures()).isEqualTo(3);
    assertThat(compared).isEmpty();
    a.check();
    assertThat(compared).as("the offered window was drained at the next check").singleElement().satisfies(e -> {
      assertThat(e.referenceCount()).isEqualTo(150);
      assertThat(e.currentCount()).isEqualTo(150);
    });
    assertThat(a.storeFailures()).isEqualTo(3);
  }

  @Test
  void malformedOffersAreCountedAndLeftOut() {
    DriftStore store = DriftStore.inMemory(clock);
    DriftMonitor a = replica(store, "a", 1000, new ArrayList<>()).build();
    assertThat(a.check()).isEmpty();
    DriftMonitor other = DriftMonitor.builder().clock(clock).build();
    Random r = new Random(1);
    record(other, r, 100, 800);
    recordOutcomes(other, 100);
    String good = other.takeWindows().toJson();
    record(other, r, 100, 800);
    recordOutcomes(other, 100);
    String badLatency = other.takeWindows().toJson()
        .replaceFirst("(\"signal\":\"LATENCY_MS\",\"window\":\")[^\"]*", "$1AAAA");
    assertThat(badLatency).contains("\"window\":\"AAAA\"");
    store.offer(NAME, "not JSON");
    store.offer(NAME, badLatency);
    store.offer(NAME, "{\"format\":99,\"windows\":[]}");
    store.offer(NAME, good);
    assertThat(a.check()).isEmpty();
    assertThat(a.rejectedWindows()).as("two entries and one window").isEqualTo(3);
    assertThat(a.storeFailures()).isZero();
    assertThat(a.windowCount(KEY, Signal.LATENCY_MS)).as("the good entry's").isEqualTo(100);
    assertThat(a.windowCount(KEY, Signal.OUTCOME)).as("both entries' outcome windows").isEqualTo(200);
  }

  @Test
  void badSharingSettingsFailAtOnce() {
    DriftStore store = DriftStore.inMemory(clock);
    assertThatThrownBy(() -> DriftMonitor.builder().share(store, " ", "a")).hasMessageContaining("name");
    assertThatThrownBy(() -> DriftMonitor.builder().share(store, NAME, "")).hasMessageContaining("replica");
    assertThatThrownBy(() -> DriftMonitor.builder().lease(Duration.ZERO)).hasMessageContaining("lease must be > 0");
    DriftMonitor alone = DriftMonitor.builder().build();
    alone.close(); // not shared: nothing to release
    assertThat(alone.storeFailures()).isZero();
  }

  /** Records {@code n} latencies. */
  private static void record(DriftMonitor m, Random r, int n, double median) {
    for (int i = 0; i < n; i++) {
      m.record(KEY, Signal.LATENCY_MS, logNormal(r, median, 0.5));
    }
  }

  private static void recordOutcomes(DriftMonitor m, int n) {
    for (int i = 0; i < n; i++) {
      m.record(KEY, Signal.OUTCOME, 0);
    }
  }

  /** A store that throws once, before doing anything, from the method named in {@code failNext}. */
  private static final class FailingOnce implements DriftStore {
    private final DriftStore delegate;
    String failNext = "";

    FailingOnce(DriftStore delegate) {
      this.delegate = delegate;
    }

    private void maybeFail(String method) {
      if (failNext.equals(method)) {
        failNext = "";
        throw new IllegalStateException(method + ": the store is down");
      }
    }

    @Override
    public boolean tryCheck(String monitor, String replica, Duration lease) {
      maybeFail("tryCheck");
      return delegate.tryCheck(monitor, replica, lease);
    }

    @Override
    public void release(String monitor, String replica) {
      maybeFail("release");
      delegate.release(monitor, replica);
    }

    @Override
    public void offer(String monitor, String windowsJson) {
      maybeFail("offer");
      delegate.offer(monitor, windowsJson);
    }

    @Override
    public List<String> drain(String monitor, String replica) {
      maybeFail("drain");
      return delegate.drain(monitor, replica);
    }
  }
}
