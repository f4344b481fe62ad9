package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.FinishReason;
import dev.llmops.api.LlmException;
import dev.llmops.core.LlmClient;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.eval.stats.Drift;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.FakeReply;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.HdrHistogram.Histogram;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/**
 * The drift monitor's signals, tests and merging: numeric signals in HdrHistogram histograms
 * (PSI at the reference's deciles and Kolmogorov–Smirnov), refusals, error types and personal
 * data in inputs from real calls, and windows pooled across monitors.
 */
class DriftMonitorTest {
  private static final MonitorKey KEY = new MonitorKey("support", "answer@3", "smart", "");
  private final TestClock clock = TestClock.create();

  private static double logNormal(Random r, double median, double sigma) {
    return median * Math.exp(sigma * r.nextGaussian());
  }

  @Test
  void aShiftedNumericSignalIsFoundByKolmogorovSmirnovAndASteadyOneIsNot() {
    List<DriftEvent> all = new CopyOnWriteArrayList<>();
    DriftMonitor drift = DriftMonitor.builder().clock(clock).minSamples(1000).comparisonListener(all::add).build();
    Random r = new Random(7);
    for (int i = 0; i < 1000; i++) {
      drift.record(KEY, Signal.OUTPUT_TOKENS, logNormal(r, 300, 0.5));
    }
    assertThat(drift.check()).as("the first full window becomes the reference").isEmpty();
    assertThat(all).isEmpty();
    for (int i = 0; i < 1000; i++) {
      drift.record(KEY, Signal.OUTPUT_TOKENS, logNormal(r, 300, 0.5));
    }
    assertThat(drift.check()).as("same distribution").isEmpty();
    assertThat(all).singleElement().satisfies(e -> {
      assertThat(e.drifted()).isFalse();
      assertThat(e.test()).isEqualTo("kolmogorov-smirnov");
      assertThat(e.psi()).isLessThan(0.1);
      assertThat(e.pValue()).isGreaterThan(0.01);
      assertThat(e.referenceCount()).isEqualTo(1000);
    });
    for (int i = 0; i < 1000; i++) {
      drift.record(KEY, Signal.OUTPUT_TOKENS, logNormal(r, 450, 0.5)); // answers 50 % longer
    }
    List<DriftEvent> found = drift.check();
    assertThat(found).singleElement().satisfies(e -> {
      assertThat(e.drifted()).isTrue();
      assertThat(e.signal()).isEqualTo(Signal.OUTPUT_TOKENS);
      assertThat(e.psi()).isGreaterThan(0.25);
      assertThat(e.pValue()).isLessThan(1e-6);
      assertThat(e.currentCount()).isEqualTo(1000);
    });
    assertThat(drift.windowCount(KEY, Signal.OUTPUT_TOKENS)).as("a new window started").isZero();
  }

  @Test
  void refusalsErrorTypesAndPersonalDataInInputsComeFromTheCalls() {
    FakeChatModel fake = FakeChatModel.builder().modelId("gpt-4o").build();
    fake.when(q -> text(q).startsWith("refuse")).reply(FakeReply.text("I can't help with that.")
        .withFinishReason(FinishReason.CONTENT_FILTER));
    fake.when(q -> text(q).startsWith("bad")).fail(Fault.invalidRequest());
    fake.when(q -> text(q).startsWith("denied")).fail(Fault.authentication());
    List<DriftEvent> events = new ArrayList<>();
    DriftMonitor drift = DriftMonitor.builder().clock(clock).minSamples(100)
        .piiScan(Redactor.defaults(), 1.0).listener(events::add).build();
    try (LlmClient client = LlmClient.builder().clock(clock).model("smart", fake).listener(drift).build()) {
      // Reference: 2 % refusals, no personal data, errors all invalid requests.
      for (int i = 0; i < 200; i++) {
        call(client, i % 50 == 0 ? "refuse this" : "what are your opening hours?");
      }
      for (int i = 0; i < 100; i++) {
        call(client, "bad request " + i);
      }
      MonitorKey key = drift.keys().get(0);
      assertThat(drift.windowCount(key, Signal.REFUSAL)).isEqualTo(200);
      assertThat(drift.windowCount(key, Signal.ERROR_TYPE)).isEqualTo(100);
      assertThat(drift.windowCount(key, Signal.PII_IN_INPUT)).as("every call scanned").isEqualTo(300);
      assertThat(drift.check()).isEmpty();
      // Now: a quarter refused, half the users paste an email address, errors are refused keys.
      for (int i = 0; i < 200; i++) {
        call(client, i % 4 == 0 ? "refuse this" : i % 2 == 0 ? "mail me at jane.doe@example.com" : "hours?");
      }
      for (int i = 0; i < 100; i++) {
        call(client, "denied " + i);
      }
      assertThat(drift.check()).extracting(DriftEvent::signal)
          .contains(Signal.REFUSAL, Signal.PII_IN_INPUT, Signal.ERROR_TYPE)
          .doesNotContain(Signal.LATENCY_MS, Signal.COST_MICRO_USD); // the test clock stands still; no prices
      assertThat(events).filteredOn(e -> e.signal() == Signal.ERROR_TYPE).singleElement()
          .satisfies(e -> assertThat(e.test()).isEqualTo("chi-square"));
    }
  }

  @Test
  void withoutAScanNoPersonalDataValueIsRecordedAndWithAZeroRateNone() {
    FakeChatModel fake = FakeChatModel.builder().build();
    DriftMonitor off = DriftMonitor.builder().clock(clock).build();
    DriftMonitor zero = DriftMonitor.builder().clock(clock).piiScan(Redactor.defaults(), 0).build();
    DriftMonitor half = DriftMonitor.builder().clock(clock).piiScan(Redactor.defaults(), 0.5).build();
    try (LlmClient client = LlmClient.builder().clock(clock).model("smart", fake)
        .listener(off).listener(zero).listener(half).build()) {
      for (int i = 0; i < 400; i++) {
        call(client, "jane.doe@example.com");
      }
    }
    MonitorKey key = off.keys().get(0);
    assertThat(off.windowCount(key, Signal.PII_IN_INPUT)).isZero();
    assertThat(zero.windowCount(key, Signal.PII_IN_INPUT)).isZero();
    assertThat(half.windowCount(key, Signal.PII_IN_INPUT)).as("about half sampled by call id").isBetween(150L, 250L);
    assertThat(off.windowCount(key, Signal.REFUSAL)).isEqualTo(400);
  }

  @Test
  void aPromptCallsTextVariablesAreScannedButNotItsTemplate() {
    PromptRegistry prompts = PromptRegistry.builder().clock(clock).executor(Runnable::run)
        .source(InMemoryPromptSource.builder().add(PromptVersion.builder("support", 1)
            .system("Write to support@example.com if stuck.").user("{{question}}").build())
            .label("support", "production", 1).build())
        .build();
    DriftMonitor drift = DriftMonitor.builder().clock(clock).piiScan(Redactor.defaults(), 1.0).build();
    try (LlmClient client = LlmClient.builder().clock(clock).model("smart", FakeChatModel.create()).prompts(prompts)
        .listener(drift).build()) {
      client.prompt("support").variable("question", "my card is 4242 4242 4242 4242").call();
      client.prompt("support").variable("question", "where is my parcel?").call();
      client.prompt("support").variable("question", "where is my parcel?").call();
    }
    MonitorKey key = drift.keys().get(0);
    assertThat(drift.windowCount(key, Signal.PII_IN_INPUT)).isEqualTo(3);
    // The window's two counters (none found, found): one card number; the template's address is not input.
    DriftWindows.Entry pii = drift.takeWindows().entries().stream()
        .filter(e -> e.signal() == Signal.PII_IN_INPUT).findFirst().orElseThrow();
    java.nio.ByteBuffer counts = java.nio.ByteBuffer.wrap(pii.window());
    assertThat(new long[] {counts.getLong(), counts.getLong()}).containsExactly(2, 1);
  }

  @Test
  void checkEveryRunsTheChecksOnTheSchedulerUntilCancelled() {
    dev.llmops.testkit.ManualScheduler scheduler = dev.llmops.testkit.ManualScheduler.on(clock);
    List<DriftEvent> compared = new ArrayList<>();
    DriftMonitor drift = DriftMonitor.builder().clock(clock).minSamples(10).comparisonListener(compared::add).build();
    var handle = drift.checkEvery(scheduler, java.time.Duration.ofMinutes(1));
    for (int minute = 0; minute < 3; minute++) {
      for (int i = 0; i < 10; i++) {
        drift.record(KEY, Signal.SCORE, 0.5);
      }
      clock.advance(java.time.Duration.ofMinutes(1));
    }
    assertThat(compared).as("minute 1 took the reference, minutes 2 and 3 compared").hasSize(2);
    assertThat(handle.cancel()).isTrue();
    assertThat(handle.cancel()).isFalse();
    drift.record(KEY, Signal.SCORE, 0.5);
    for (int i = 0; i < 10; i++) {
      drift.record(KEY, Signal.SCORE, 0.5);
    }
    clock.advance(java.time.Duration.ofMinutes(5));
    assertThat(compared).as("no check after cancel").hasSize(2);
    assertThat(scheduler.pending()).isZero();
    assertThat(drift.scheduledCheckFailures()).isZero();
    assertThatThrownBy(() -> drift.checkEvery(scheduler, java.time.Duration.ZERO)).hasMessageContaining("positive");
    drift.checkEvery(scheduler, java.time.Duration.ofMinutes(1));
    assertThat(scheduler.pending()).isEqualTo(1);
    drift.close();
    assertThat(scheduler.pending()).as("closing cancels the scheduled checks").isZero();
  }

  @Test
  void feedbackAndEvaluatorScoresAreSeparateSignals() {
    DriftMonitor drift = DriftMonitor.builder().clock(clock).build();
    drift.score(new OnlineScore("c1", "judge", 0.9, "pass", null, KEY, clock.instant()));
    drift.score(new OnlineScore("c1", "feedback.thumbs", 0.0, "down", null, KEY, clock.instant()));
    drift.score(new OnlineScore("c1", "feedback.label", Double.NaN, "spam", null, KEY, clock.instant()));
    assertThat(drift.windowCount(KEY, Signal.SCORE)).isEqualTo(1);
    assertThat(drift.windowCount(KEY, Signal.FEEDBACK)).isEqualTo(1);
  }

  @Test
  void valuesAboveTheTrackableRangeAreCountedAsTheHighest() {
    DriftMonitor drift = DriftMonitor.builder().clock(clock).build();
    drift.record(KEY, Signal.LATENCY_MS, 7_200_000); // two hours
    drift.record(KEY, Signal.LATENCY_MS, 5);
    assertThat(drift.windowCount(KEY, Signal.LATENCY_MS)).isEqualTo(2);
    assertThat(drift.clampedValues()).isEqualTo(1);
  }

  /**
   * Replicas pool their windows: whatever share of the values each of two monitors saw, merging one's
   * windows (through JSON) into the other gives the comparisons of one monitor that saw them all.
   */
  @Property(tries = 30)
  void mergedWindowsCompareLikeOneMonitorThatSawEverything(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 100) int percentOnA) {
    Random r = new Random(seed);
    List<DriftEvent> whole = new ArrayList<>();
    List<DriftEvent> pooled = new ArrayList<>();
    DriftMonitor all = DriftMonitor.builder().clock(clock).minSamples(300).comparisonListener(whole::add).build();
    DriftMonitor a = DriftMonitor.builder().clock(clock).minSamples(300).comparisonListener(pooled::add).build();
    DriftMonitor b = DriftMonitor.builder().clock(clock).minSamples(300).build();
    for (double median : new double[] {800, 800 * (1 + r.nextDouble())}) {
      for (int i = 0; i < 300; i++) {
        double latency = logNormal(r, median, 0.7);
        double outcome = r.nextInt(10) == 0 ? 1 : 0;
        all.record(KEY, Signal.LATENCY_MS, latency);
        all.record(KEY, Signal.OUTCOME, outcome);
        DriftMonitor replica = r.nextInt(100) < percentOnA ? a : b;
        replica.record(KEY, Signal.LATENCY_MS, latency);
        replica.record(KEY, Signal.OUTCOME, outcome);
      }
      a.merge(DriftWindows.fromJson(b.takeWindows().toJson()));
      assertThat(b.windowCount(KEY, Signal.LATENCY_MS)).isZero();
      all.check();
      a.check();
    }
    assertThat(pooled).hasSameSizeAs(whole).hasSize(2);
    for (int i = 0; i < whole.size(); i++) {
      DriftEvent w = whole.get(i);
      DriftEvent p = pooled.get(i);
      assertThat(p.signal()).isEqualTo(w.signal());
      assertThat(p.psi()).isEqualTo(w.psi());
      assertThat(p.pValue()).isEqualTo(w.pValue());
      assertThat(p.currentCount()).isEqualTo(w.currentCount());
      assertThat(p.drifted()).isEqualTo(w.drifted());
    }
  }

  /**
   * The histogram's D is read at bucket edges, where its distribution functions are the samples'
   * own: it is never above the raw samples' D (Commons Statistics) and, with buckets at most 1/16
   * wide, close to it.
   */
  @Property(tries = 50)
  void theHistogramsKolmogorovSmirnovDistanceIsCloseToTheRawSamples(
      @ForAll long seed, @ForAll @IntRange(min = 50, max = 2000) int n) {
    Random r = new Random(seed);
    double shift = 1 + r.nextDouble() * 0.3;
    double[] x = new double[n];
    double[] y = new double[n + 17];
    Histogram hx = new Histogram(1, 1L << 24, SignalWindow.Sketched.DIGITS);
    Histogram hy = new Histogram(1, 1L << 24, SignalWindow.Sketched.DIGITS);
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.round(logNormal(r, 500, 0.6));
      hx.recordValue((long) x[i]);
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.round(logNormal(r, 500 * shift, 0.6));
      hy.recordValue((long) y[i]);
    }
    double raw = KolmogorovSmirnovTest.withDefaults().statistic(x, y);
    double sketched = SignalWindow.Sketched.ksStatistic(hx, hy);
    assertThat(sketched).isLessThanOrEqualTo(raw + 1e-12).isGreaterThanOrEqualTo(raw - 0.05);
  }

  @Test
  void decileBinsSplitTheReferenceIntoTenths() {
    Histogram ref = new Histogram(1, 1L << 24, SignalWindow.Sketched.DIGITS);
    for (int v = 1; v <= 16; v++) {
      ref.recordValueWithCount(v, 100); // below 32 every value has its own bucket
    }
    // The k-th decile is the value holding the (160·k)-th of the 1,600: 2, 4, 5, 7, 8, 10, 12, 13, 15.
    long[][] bins = SignalWindow.Sketched.decileBins(ref, ref);
    assertThat(bins[0]).containsExactly(200, 200, 100, 200, 100, 200, 200, 100, 200, 100);
    assertThat(bins[1]).containsExactly(bins[0]);
    Histogram constant = new Histogram(1, 1L << 24, SignalWindow.Sketched.DIGITS);
    constant.recordValueWithCount(40, 500);
    long[][] tied = SignalWindow.Sketched.decileBins(constant, ref);
    assertThat(tied[0]).as("one edge: at and above it").containsExactly(500, 0);
    assertThat(tied[1]).containsExactly(1600, 0);
  }

  @Test
  void theKolmogorovSmirnovPValueMatchesTheTabulatedCriticalValues() {
    // Smirnov's table: λ = 1.358 at 5 %, 1.628 at 1 %, 1.949 at 0.1 %; n = m = 200 gives √(nm/(n+m)) = 10.
    assertThat(Drift.kolmogorovSmirnovP(0.1358, 200, 200)).isCloseTo(0.05, within(5e-4));
    assertThat(Drift.kolmogorovSmirnovP(0.1628, 200, 200)).isCloseTo(0.01, within(1e-4));
    assertThat(Drift.kolmogorovSmirnovP(0.1949, 200, 200)).isCloseTo(0.001, within(2e-5));
    assertThat(Drift.kolmogorovSmirnovP(0.05, 200, 200)).isCloseTo(0.9639, within(1e-3)); // Q(0.5), Jacobi form
    assertThat(Drift.kolmogorovSmirnovP(0, 5, 5)).isEqualTo(1);
    assertThatThrownBy(() -> Drift.kolmogorovSmirnovP(1.5, 5, 5)).hasMessageContaining("d must be in [0, 1]");
    assertThatThrownBy(() -> Drift.kolmogorovSmirnovP(0.5, 0, 5)).hasMessageContaining("at least one value");
  }

  /** For large samples without ties the limit agrees with Commons Statistics' two-sample p-value. */
  @Property(tries = 30)
  void theKolmogorovSmirnovPValueAgreesWithCommonsForLargeSamples(@ForAll long seed) {
    Random r = new Random(seed);
    double[] x = r.doubles(3000).toArray();
    double shift = r.nextDouble() * 0.06;
    double[] y = r.doubles(2500).map(v -> v + shift).toArray();
    var commons = KolmogorovSmirnovTest.withDefaults().test(x, y);
    double ours = Drift.kolmogorovSmirnovP(commons.getStatistic(), x.length, y.length);
    assertThat(ours).isCloseTo(commons.getPValue(), within(0.01 + 0.1 * commons.getPValue()));
  }

  @Test
  void badWindowsFailNamingTheField() {
    assertThatThrownBy(() -> DriftWindows.fromJson("{\"format\":2,\"windows\":[]}")).hasMessageContaining("'format' must be 1");
    assertThatThrownBy(() -> DriftWindows.fromJson("{\"format\":1,\"windows\":[{\"feature\":\"f\",\"prompt\":\"\","
        + "\"model\":\"m\",\"variant\":\"\",\"signal\":\"NOPE\",\"window\":\"\"}]}"))
        .hasMessageContaining("windows[0].signal").hasMessageContaining("NOPE");
    assertThatThrownBy(() -> DriftWindows.fromJson("{\"format\":1,\"windows\":[{\"feature\":\"f\"}]}"))
        .hasMessageContaining("windows[0].prompt must be a string");
    DriftMonitor drift = DriftMonitor.builder().build();
    DriftWindows junk = DriftWindows.fromJson("{\"format\":1,\"windows\":[{\"feature\":\"f\",\"prompt\":\"\","
        + "\"model\":\"m\",\"variant\":\"\",\"signal\":\"LATENCY_MS\",\"window\":\"AAAA\"}]}");
    assertThatThrownBy(() -> drift.merge(junk)).hasMessageContaining("LATENCY_MS")
        .hasMessageContaining("not an HdrHistogram");
    DriftWindows shortCounts = DriftWindows.fromJson("{\"format\":1,\"windows\":[{\"feature\":\"f\",\"prompt\":\"\","
        + "\"model\":\"m\",\"variant\":\"\",\"signal\":\"REFUSAL\",\"window\":\"AAAA\"}]}");
    assertThatThrownBy(() -> drift.merge(shortCounts)).hasMessageContaining("REFUSAL").hasMessageContaining("16 bytes");
  }

  @Test
  void errorTypesFollowTheDocumentedOrder() {
    assertThat(Signal.errorType(Fault.rateLimited(java.time.Duration.ZERO).exception("m"))).isZero();
    assertThat(Signal.errorType(Fault.overloaded().exception("m"))).isEqualTo(2);
    assertThat(Signal.errorType(Fault.contentFiltered().exception("m"))).isEqualTo(8);
    assertThat(Signal.errorType(new dev.llmops.api.ConfigurationException("x"))).isEqualTo(13);
    assertThat(Signal.errorType(new IllegalStateException("x"))).isEqualTo(14);
    assertThat(Signal.ERROR_TYPE.bins()).isEqualTo(15);
  }

  private static String text(ChatRequest q) {
    return q.messages().get(q.messages().size() - 1).content();
  }

  private static void call(LlmClient client, String text) {
    try {
      client.request(ChatRequest.builder().model("smart").user(text).build())
          .context(CallContext.ofSubject("u").withFeature("support")).call();
    } catch (LlmException expected) {
      // failed calls are what the monitor records
    }
  }
}
