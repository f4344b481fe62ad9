package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Money;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.eval.evaluator.Evaluator;
import dev.llmops.eval.evaluator.Score;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.TestClock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Online evaluation, feedback, drift and model changes on a real client over a fake model. */
class MonitorsTest {
  private final TestClock clock = TestClock.create();
  private final FakeChatModel fake = FakeChatModel.builder().modelId("gpt-4o").build();
  /** Tasks the online evaluation handed to its executor: they run only when the test says so. */
  private final Queue<Runnable> worker = new ArrayDeque<>();
  private final List<OnlineScore> scores = new CopyOnWriteArrayList<>();

  private Completion call(LlmClient client, String feature) {
    return client.request(ChatRequest.builder().model("smart").user("hello").build())
        .context(CallContext.ofSubject("u").withFeature(feature)).call();
  }

  private void runWorker() {
    while (!worker.isEmpty()) {
      worker.poll().run();
    }
  }

  @Test
  void sampledCallsAreEvaluatedOffTheCallersThreadAndFeedbackLandsOnTheCall() {
    List<Thread> evaluatedOn = new CopyOnWriteArrayList<>();
    OnlineEvaluation online = OnlineEvaluation.builder()
        .evaluator(Evaluator.of("polite", s -> {
          evaluatedOn.add(Thread.currentThread());
          return s.answer().text().isEmpty() ? Score.fail("empty") : Score.pass("has text");
        }))
        .sampleRate(0).sampleRate("support", 1.0)
        .executor(worker::add).clock(clock).listener(scores::add)
        .build();
    try (LlmClient client = LlmClient.builder().clock(clock).model("smart", fake).listener(online).build()) {
      List<Completion> support = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        support.add(call(client, "support"));
        call(client, "search");
      }
      assertThat(scores).as("nothing evaluated on the call path").isEmpty();
      assertThat(evaluatedOn).isEmpty();
      assertThat(online.stats().queued()).isEqualTo(5);
      runWorker();
      assertThat(scores).hasSize(5).allSatisfy(s -> {
        assertThat(s.name()).isEqualTo("polite");
        assertThat(s.value()).isEqualTo(1.0);
        assertThat(s.label()).isEqualTo("pass");
        assertThat(s.key().feature()).isEqualTo("support");
        assertThat(s.key().model()).isEqualTo("smart");
      });
      assertThat(scores).extracting(OnlineScore::callId)
          .containsExactlyInAnyOrderElementsOf(support.stream().map(Completion::callId).toList());
      assertThat(online.stats().sampled()).isEqualTo(5);
      assertThat(evaluatedOn).hasSize(5);

      assertThat(online.feedback(support.get(0).callId(), Feedback.thumbs(false))).isTrue();
      OnlineScore thumb = scores.get(scores.size() - 1);
      assertThat(thumb.name()).isEqualTo("feedback.thumbs");
      assertThat(thumb.value()).isZero();
      assertThat(thumb.label()).isEqualTo("down");
      assertThat(thumb.key().feature()).isEqualTo("support");
      assertThat(online.feedback("no-such-call", Feedback.score(0.5))).isFalse();
      assertThat(online.stats().feedbackUnknownCall()).isEqualTo(1);
    }
  }

  @Test
  void aFullQueueAndASpentBudgetDropJobsAndCountThem() {
    OnlineEvaluation online = OnlineEvaluation.builder()
        .evaluator(Evaluator.of("judge", s -> Score.pass("ok").withCost(Money.usd("0.01"))))
        .sampleRate(1.0).queueCapacity(2).budget(Money.usd("0.03"))
        .executor(worker::add).clock(clock).listener(scores::add)
        .build();
    try (LlmClient client = LlmClient.builder().clock(clock).model("smart", fake).listener(online).build()) {
      for (int i = 0; i < 5; i++) {
        call(client, "support");
      }
      OnlineEvaluation.Stats s = online.stats();
      assertThat(s.sampled()).isEqualTo(5);
      assertThat(s.queued()).isEqualTo(2);
      assertThat(s.droppedQueueFull()).isEqualTo(3);
      runWorker();
      for (int i = 0; i < 3; i++) {
        call(client, "support");
        runWorker();
      }
      s = online.stats();
      // 0.01 per evaluation, budget 0.03: the fourth evaluation is refused.
      assertThat(s.evaluated()).isEqualTo(3);
      assertThat(s.spent()).isEqualTo(Money.usd("0.03"));
      assertThat(s.droppedBudget()).isEqualTo(2);
      assertThat(s.sampled()).isEqualTo(s.evaluated() + s.droppedQueueFull() + s.droppedBudget() + s.queued());
    }
  }

  @Test
  void aSilentModelChangeIsReportedAuditedAndMarkedOnTheDriftMonitor() {
    AtomicReference<String> served = new AtomicReference<>("gpt-4o-2024-08-06");
    AtomicReference<String> fingerprint = new AtomicReference<>("fp_a");
    ChatModel provider = (request, exchange) -> fake.execute(request, exchange).thenApply(r -> new ChatResponse(
        r.id(), served.get(), r.text(), r.finishReason(), r.usage(), r.toolCalls(),
        Map.of(ModelChangeDetector.SYSTEM_FINGERPRINT, fingerprint.get())));
    List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    List<ModelChange> changes = new CopyOnWriteArrayList<>();
    DriftMonitor drift = DriftMonitor.builder().clock(clock).minSamples(1).build();
    ModelChangeDetector detector = ModelChangeDetector.builder().clock(clock).audit(audit::add)
        .listener(changes::add).driftMonitor(drift).build();
    try (LlmClient client = LlmClient.builder().clock(clock).model("smart", provider).listener(detector).listener(drift)
        .build()) {
      call(client, "support");
      call(client, "support");
      assertThat(changes).isEmpty();
      assertThat(drift.windowCount(drift.keys().get(0), Signal.OUTCOME)).isEqualTo(2);
      assertThat(detector.served("smart")).isEqualTo("gpt-4o-2024-08-06/fp_a");
      Instant changedAt = clock.instant().plusSeconds(300);
      clock.advance(java.time.Duration.ofMinutes(5));
      fingerprint.set("fp_b");
      call(client, "support");
      assertThat(changes).containsExactly(new ModelChange("smart", "unknown", "gpt-4o-2024-08-06/fp_a",
          "gpt-4o-2024-08-06/fp_b", changedAt));
      assertThat(audit).singleElement().satisfies(e -> {
        assertThat(e.action()).isEqualTo(ModelChange.AUDIT_ACTION);
        assertThat(e.target()).isEqualTo("smart");
        assertThat(e.before()).isEqualTo("gpt-4o-2024-08-06/fp_a");
        assertThat(e.after()).isEqualTo("gpt-4o-2024-08-06/fp_b");
      });
      // The change cut the drift monitor's window: of three calls, only the new model's answer is in it.
      MonitorKey key = drift.keys().get(0);
      assertThat(drift.windowCount(key, Signal.OUTCOME)).isEqualTo(1);
      assertThat(detector.changes()).isEqualTo(1);
      // A fingerprinted call (prompt, experiment, evaluation) records what answered it.
      Completion c = client.request(ChatRequest.builder().model("smart").user("hello").build())
          .attribute(Fingerprint.KEY, new Fingerprint("support", 1, null, "smart", "-", null, null)).call();
      assertThat(c.attribute(Fingerprint.KEY).orElseThrow().served()).isEqualTo("gpt-4o-2024-08-06/fp_b");
    }
  }

  @Test
  void driftIsReportedWhenPsiAndTheChiSquareTestAgreeAndNamesTheModelChange() {
    List<DriftEvent> events = new CopyOnWriteArrayList<>();
    DriftMonitor drift = DriftMonitor.builder().clock(clock).minSamples(300).listener(events::add).build();
    MonitorKey key = new MonitorKey("support", "reply@3", "smart", "canary:next");
    for (int i = 0; i < 400; i++) {
      drift.record(key, Signal.SCORE, (i % 10) / 10.0 + 0.05); // uniform over the ten bins
    }
    assertThat(drift.check()).as("the first full window becomes the reference").isEmpty();
    for (int i = 0; i < 400; i++) {
      drift.record(key, Signal.SCORE, ((i * 7) % 10) / 10.0 + 0.05); // the same distribution, reordered
    }
    assertThat(drift.check()).isEmpty();
    for (int i = 0; i < 299; i++) {
      drift.record(key, Signal.SCORE, 0.05);
    }
    assertThat(drift.check()).as("below minSamples nothing is compared").isEmpty();
    drift.markModelChange(new ModelChange("smart", "gpt-4o", "a", "b", clock.instant()));
    for (int i = 0; i < 400; i++) {
      drift.record(key, Signal.SCORE, i % 4 == 0 ? 0.55 : 0.05); // scores collapse to the bottom
    }
    List<DriftEvent> found = drift.check();
    assertThat(found).singleElement().satisfies(e -> {
      assertThat(e.signal()).isEqualTo(Signal.SCORE);
      assertThat(e.psi()).isGreaterThan(0.25);
      assertThat(e.pValue()).isLessThan(0.01);
      assertThat(e.currentCount()).isEqualTo(400);
      assertThat(e.referenceCount()).isEqualTo(400);
      assertThat(e.modelChange()).isNotNull();
    });
    assertThat(events).isEqualTo(found);
  }
}
