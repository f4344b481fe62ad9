package dev.llmops.testkit.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failsafe.CircuitBreaker;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.core.resilience.CircuitBreakerPolicy;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.testkit.FakeReply;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.RecordingListener.Recorded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Chaos: fake endpoints answer with random faults and latencies, several calls run at once, in
 * blocking or streaming mode, and the resilience invariants must hold every time.
 */
class ResilienceChaosProperties {

  /**
   * One random configuration of the step; {@code failsafePolicy} adds a Failsafe policy that never
   * rejects, which sends every attempt through Failsafe instead of running first attempts directly.
   */
  record Config(
      int maxAttempts,
      Duration deadline,
      Duration attemptTimeout,
      boolean fallback,
      int bulkhead,
      boolean breaker,
      boolean failsafePolicy) {}

  @Provide
  Arbitrary<Config> configs() {
    return net.jqwik.api.Combinators.combine(
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(2, 20),
            Arbitraries.integers().between(1, 8),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 2),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false))
        .as((a, d, t, f, b, cb, fp) -> new Config(a, Duration.ofSeconds(d), Duration.ofSeconds(t), f, b, cb, fp));
  }

  @Provide
  Arbitrary<FakeReply> replies() {
    Arbitrary<FakeReply> faults =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 40).map(s -> FakeReply.fault(Fault.rateLimited(Duration.ofSeconds(s)))),
            Arbitraries.of(
                    Fault.serverError(503), Fault.overloaded(), Fault.timeout(), Fault.hang(), Fault.quotaExhausted(),
                    Fault.invalidRequest(), Fault.streamWithoutFinishReason())
                .map(FakeReply::fault),
            Arbitraries.integers().between(0, 3)
                .map(k -> FakeReply.text("alpha beta gamma delta").withStreamFault(Fault.streamCutAfter(k))));
    Arbitrary<FakeReply> answers = Arbitraries.of(FakeReply.text("a fine answer"), FakeReply.text("another good one here"));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, faults), net.jqwik.api.Tuple.of(2, answers))
        .flatMap(r -> Arbitraries.integers().between(0, 6000).map(ms -> r.after(Duration.ofMillis(ms))));
  }

  @Property(tries = 150)
  void invariantsHoldUnderRandomFaultsAndLatencies(
      @ForAll("configs") Config config,
      @ForAll @Size(max = 12) List<@From("replies") FakeReply> smartScript,
      @ForAll @Size(max = 6) List<@From("replies") FakeReply> cheapScript,
      @ForAll @IntRange(min = 1, max = 4) int calls,
      @ForAll boolean stream,
      @ForAll long seed) {
    Resilience.Builder b =
        Resilience.builder()
            .random(new SplittableRandom(seed))
            .maxAttempts(config.maxAttempts())
            .backoff(Duration.ofMillis(500), Duration.ofSeconds(4))
            .honourRetryAfter(Duration.ofSeconds(30))
            .deadline(config.deadline())
            .attemptTimeout(config.attemptTimeout());
    if (config.fallback()) {
      b.fallbackTo("cheap");
    }
    if (config.bulkhead() > 0) {
      b.bulkhead(config.bulkhead(), Duration.ofMillis(1500));
    }
    if (config.breaker()) {
      b.circuitBreaker(CircuitBreakerPolicy.consecutiveFailures(3, Duration.ofMinutes(10)));
    }
    if (config.failsafePolicy()) {
      b.failsafePolicy(CircuitBreaker.<ChatResponse>builder().withFailureThreshold(1000).build());
    }
    Harness h = new Harness(b.build(), Duration.ofMillis(400));
    h.smart.enqueue(smartScript.toArray(FakeReply[]::new));
    h.cheap.enqueue(cheapScript.toArray(FakeReply[]::new));
    Instant start = h.clock.instant();

    List<CompletableFuture<Completion>> futures = new ArrayList<>();
    List<StringBuilder> seen = new ArrayList<>();
    Map<Integer, Instant> ended = new HashMap<>();
    for (int i = 0; i < calls; i++) {
      StringBuilder chunks = new StringBuilder();
      seen.add(chunks);
      ChatRequest request = ChatRequest.of("question " + i);
      CompletableFuture<Completion> f =
          stream ? h.client.stream(request, c -> chunks.append(c.textDelta())).completion() : h.client.chatAsync(request);
      int index = i;
      var unused = f.whenComplete((c, e) -> ended.put(index, h.clock.instant()));
      futures.add(f);
    }
    Duration bound = config.deadline().plus(config.attemptTimeout());
    while (!futures.stream().allMatch(CompletableFuture::isDone)
        && !h.clock.instant().isAfter(start.plus(bound).plusSeconds(1))) {
      h.clock.advance(Duration.ofMillis(100));
    }

    // Every call ended within the deadline plus one attempt timeout.
    assertThat(futures).allMatch(CompletableFuture::isDone);
    ended.values().forEach(t -> assertThat(Duration.between(start, t)).isLessThanOrEqualTo(bound));

    List<Recorded> events = h.events.events();
    // Attempts per call and endpoint never exceed the maximum.
    Map<String, Long> attempts =
        events.stream()
            .filter(e -> e.type() == RecordingListener.Type.ATTEMPT_START)
            .collect(Collectors.groupingBy(e -> e.callId() + "/" + e.endpoint(), Collectors.counting()));
    assertThat(attempts.values()).allMatch(n -> n <= config.maxAttempts());
    // Every attempt is reported exactly once: a start and exactly one end or failure.
    Map<String, Long> starts = countBy(events, RecordingListener.Type.ATTEMPT_START);
    Map<String, Long> endsOfAttempts = new HashMap<>(countBy(events, RecordingListener.Type.ATTEMPT_END));
    countBy(events, RecordingListener.Type.ATTEMPT_FAILED).forEach((k, v) -> endsOfAttempts.merge(k, v, Long::sum));
    assertThat(starts.values()).allMatch(n -> n == 1);
    assertThat(endsOfAttempts).isEqualTo(starts);
    // Every call ended exactly once.
    assertThat(events.stream().filter(e -> e.type() == RecordingListener.Type.CALL_END || e.type() == RecordingListener.Type.CALL_FAILED))
        .hasSize(calls);

    // A stream never duplicates a prefix and never passes a cut off as success.
    for (int i = 0; i < calls; i++) {
      String delivered = seen.get(i).toString();
      CompletableFuture<Completion> f = futures.get(i);
      if (!f.isCompletedExceptionally()) {
        assertThat(delivered).isEqualTo(stream ? f.join().text() : "");
      } else if (!delivered.isEmpty()) {
        Throwable failure = failure(f);
        assertThat(failure).isInstanceOf(StreamInterruptedException.class);
        assertThat(((StreamInterruptedException) failure).partialText()).isEqualTo(delivered);
      }
    }

    // Nothing is left behind once the client closes.
    h.close();
    assertThat(h.scheduler.pending()).isZero();
    assertThat(h.step.activeCalls()).isZero();
    assertThat(h.smart.inFlight()).isZero();
    assertThat(h.cheap.inFlight()).isZero();
  }

  private static Map<String, Long> countBy(List<Recorded> events, RecordingListener.Type type) {
    return events.stream()
        .filter(e -> e.type() == type)
        .collect(Collectors.groupingBy(e -> e.callId() + "#" + e.attempt(), Collectors.counting()));
  }

  private static Throwable failure(CompletableFuture<Completion> f) {
    try {
      f.join();
      throw new AssertionError("succeeded");
    } catch (CompletionException e) {
      return e.getCause() == null ? e : e.getCause();
    }
  }
}
