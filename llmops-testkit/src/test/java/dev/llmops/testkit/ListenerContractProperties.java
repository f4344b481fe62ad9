package dev.llmops.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.testkit.RecordingListener.Recorded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The listener contract holds for any mix of modes, faults, latencies and cancellations. */
class ListenerContractProperties {

  enum Mode { BLOCKING, ASYNC, STREAM }

  record Plan(Mode mode, int fault, int latencyMillis, boolean cancelEarly) {}

  @Provide
  Arbitrary<List<Plan>> plans() {
    return net.jqwik.api.Combinators.combine(
            Arbitraries.of(Mode.values()),
            Arbitraries.integers().between(0, 12),
            Arbitraries.of(0, 50, 300),
            Arbitraries.of(false, false, true))
        .as(Plan::new)
        .list().ofMinSize(1).ofMaxSize(25);
  }

  static Fault fault(int index) {
    return switch (index) {
      case 1 -> Fault.rateLimited(Duration.ofSeconds(1));
      case 2 -> Fault.quotaExhausted();
      case 3 -> Fault.serverError(503);
      case 4 -> Fault.overloaded();
      case 5 -> Fault.timeout();
      case 6 -> Fault.invalidRequest();
      case 7 -> Fault.streamCutAfter(2);
      case 8 -> Fault.streamWithoutFinishReason();
      case 9 -> Fault.hang();
      default -> Fault.authentication();
    };
  }

  @Property(tries = 60)
  void everyCallAndAttemptIsPairedExactlyOnceAndInOrder(
      @ForAll("plans") List<Plan> plans, @ForAll @IntRange(min = 0, max = 400) int advanceMillis) {
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    RecordingListener events = RecordingListener.create();
    FakeChatModel fake = FakeChatModel.builder()
        .scheduler(scheduler).chunkInterval(Duration.ofMillis(5)).build();
    List<CompletableFuture<Completion>> inFlight = new ArrayList<>();
    try (LlmClient client = LlmClient.builder().model("m", fake).clock(clock).scheduler(scheduler).listener(events).build()) {
      for (Plan plan : plans) {
        FakeReply reply = plan.fault == 0 || plan.fault > 10
            ? FakeReply.text("a b c d").after(Duration.ofMillis(plan.latencyMillis))
            : FakeReply.fault(fault(plan.fault)).after(Duration.ofMillis(plan.latencyMillis));
        if (plan.fault == 7 || plan.fault == 8) {
          reply = FakeReply.text("a b c d").withStreamFault(fault(plan.fault)).after(Duration.ofMillis(plan.latencyMillis));
        }
        fake.enqueue(reply);
        CompletableFuture<Completion> f = switch (plan.mode) {
          case BLOCKING, ASYNC -> client.chatAsync(ChatRequest.of("q"));
          case STREAM -> client.stream(ChatRequest.of("q"), c -> {}).completion();
        };
        if (plan.cancelEarly) {
          f.cancel(true);
        }
        inFlight.add(f);
      }
      clock.advance(Duration.ofMillis(advanceMillis));
      inFlight.forEach(f -> f.cancel(true)); // whatever is still running is cancelled
      clock.advance(Duration.ofSeconds(1));
    }

    Map<String, List<RecordingListener.Type>> byCall = new HashMap<>();
    for (Recorded r : events.events()) {
      byCall.computeIfAbsent(r.callId(), k -> new ArrayList<>()).add(r.type());
    }
    assertThat(byCall).hasSize(plans.size());
    for (List<RecordingListener.Type> seq : byCall.values()) {
      assertThat(seq.get(0)).isEqualTo(RecordingListener.Type.CALL_START);
      RecordingListener.Type last = seq.get(seq.size() - 1);
      assertThat(last).isIn(RecordingListener.Type.CALL_END, RecordingListener.Type.CALL_FAILED);
      assertThat(seq.stream().filter(t -> t == RecordingListener.Type.CALL_END || t == RecordingListener.Type.CALL_FAILED)).hasSize(1);
      long starts = seq.stream().filter(t -> t == RecordingListener.Type.ATTEMPT_START).count();
      long ends = seq.stream().filter(t -> t == RecordingListener.Type.ATTEMPT_END || t == RecordingListener.Type.ATTEMPT_FAILED).count();
      assertThat(starts).isEqualTo(1).isEqualTo(ends);
      int start = seq.indexOf(RecordingListener.Type.ATTEMPT_START);
      int end = Math.max(seq.indexOf(RecordingListener.Type.ATTEMPT_END), seq.indexOf(RecordingListener.Type.ATTEMPT_FAILED));
      assertThat(start).isLessThan(end);
      int first = seq.indexOf(RecordingListener.Type.FIRST_CHUNK);
      if (first >= 0) {
        assertThat(first).isBetween(start, end);
      }
      if (last == RecordingListener.Type.CALL_END) {
        assertThat(seq).contains(RecordingListener.Type.ATTEMPT_END);
      }
    }
    assertThat(inFlight).allMatch(CompletableFuture::isDone);
    assertThat(fake.inFlight()).isZero();
    assertThat(scheduler.pending()).isZero();
  }
}
