package dev.llmops.testkit.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.core.LlmClient;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.ExposureEvent;
import dev.llmops.core.experiment.shadow.InMemoryShadowSink;
import dev.llmops.core.experiment.shadow.Shadow;
import dev.llmops.core.experiment.shadow.ShadowEvent;
import dev.llmops.core.experiment.shadow.ShadowOf;
import dev.llmops.core.experiment.shadow.ShadowPair;
import dev.llmops.core.experiment.Variant;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shadow traffic on a manual clock: the user's call is never slowed or failed by its shadow, the
 * queue and concurrency cap hold and count drops, and pairs reach the sink and the listeners.
 */
class ShadowTrafficTest {
  private static final Duration PRIMARY_LATENCY = Duration.ofMillis(200);

  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final RecordingListener listener = RecordingListener.create();
  private final InMemoryShadowSink sink = InMemoryShadowSink.create();
  private final FakeChatModel primary =
      FakeChatModel.builder().modelId("primary-model").latency(PRIMARY_LATENCY).scheduler(scheduler).build();
  private FakeChatModel candidate = FakeChatModel.create();
  private Experiments experiments = Experiments.builder().build();
  private LlmClient client = LlmClient.builder().model("primary", primary).build();

  private LlmClient client(FakeChatModel candidateModel, double fraction, int queue, int concurrent) {
    return client(primary, candidateModel, fraction, queue, concurrent);
  }

  private LlmClient client(
      FakeChatModel primaryModel, FakeChatModel candidateModel, double fraction, int queue, int concurrent) {
    candidate = candidateModel;
    experiments = Experiments.builder()
        .add(Experiment.builder("model-swap")
            .variant(Variant.of("control").withModel("primary"))
            .variant(Variant.of("candidate").withModel("candidate")
                .withParameters(GenerationParameters.builder().temperature(0.3).build()))
            .weights(1, 0)
            .shadow(new Shadow("candidate", fraction))
            .build())
        .shadowSink(sink)
        .shadowQueueCapacity(queue)
        .shadowMaxConcurrent(concurrent)
        .shadowTimeout(Duration.ofSeconds(30))
        .build();
    client = LlmClient.builder()
        .model("primary", primaryModel)
        .model("candidate", candidate)
        .experiments(experiments)
        .clock(clock)
        .scheduler(scheduler)
        .listener(listener)
        .build();
    return client;
  }

  @AfterEach
  void close() {
    client.close();
  }

  private FakeChatModel candidateWithLatency(Duration latency) {
    return FakeChatModel.builder().modelId("candidate-model").latency(latency).scheduler(scheduler).build();
  }

  /** Starts a call and records the instant (on the test clock) at which it completed. */
  private CompletableFuture<Completion> start(String subject, Map<String, Instant> doneAt) {
    CompletableFuture<Completion> f = client.request(ChatRequest.of("question from " + subject))
        .context(CallContext.ofSubject(subject))
        .callAsync();
    var unused = f.whenComplete((c, e) -> doneAt.put(subject, clock.instant()));
    return f;
  }

  @Test
  void aSlowShadowNeitherDelaysNorChangesTheUsersCall() {
    client(candidateWithLatency(Duration.ofSeconds(20)), 1.0, 8, 2);
    String expectedText = FakeChatModel.create().execute(ChatRequest.of("question from u1"),
        dev.llmops.api.spi.ModelExchange.unary()).toCompletableFuture().join().text();
    Map<String, Instant> doneAt = new ConcurrentHashMap<>();
    Instant start = clock.instant();

    CompletableFuture<Completion> call = start("u1", doneAt);
    clock.advance(PRIMARY_LATENCY);

    assertThat(call).isCompleted();
    Completion c = call.join();
    assertThat(c.text()).isEqualTo(expectedText);
    assertThat(c.endpoint()).isEqualTo("primary");
    assertThat(doneAt.get("u1")).as("the user waited only for the primary").isEqualTo(start.plus(PRIMARY_LATENCY));
    assertThat(sink.pairs()).as("the shadow is still running").isEmpty();
    assertThat(candidate.inFlight()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(20));
    ShadowPair pair = sink.pairs().get(0);
    assertThat(sink.pairs()).hasSize(1);
    assertThat(pair.experimentKey()).isEqualTo("model-swap");
    assertThat(pair.primary().callId()).isEqualTo(c.callId());
    assertThat(pair.primary().text()).isEqualTo(c.text());
    assertThat(pair.primary().latency()).isEqualTo(PRIMARY_LATENCY);
    assertThat(pair.primary().usage()).isEqualTo(c.usage());
    assertThat(pair.primary().variant()).isEqualTo("control");
    assertThat(pair.shadow().variant()).isEqualTo("candidate");
    assertThat(pair.shadow().endpoint()).isEqualTo("candidate");
    assertThat(pair.shadow().latency()).isEqualTo(Duration.ofSeconds(20));
    assertThat(pair.shadow().succeeded()).isTrue();
    assertThat(pair.shadow().text()).isNotBlank();
    assertThat(pair.shadow().usage()).isNotNull();
    assertThat(candidate.lastRequest().parameters().temperature()).as("the candidate's parameters").isEqualTo(0.3);
  }

  @Test
  void aFailingShadowIsInvisibleToTheUserAndReachesTheSinkAsAnError() {
    FakeChatModel failing = candidateWithLatency(Duration.ofMillis(50));
    failing.failWith(Fault.serverError(503)).always();
    client(failing, 1.0, 8, 2);
    Map<String, Instant> doneAt = new ConcurrentHashMap<>();

    CompletableFuture<Completion> call = start("u2", doneAt);
    clock.advance(PRIMARY_LATENCY);
    clock.advance(Duration.ofMillis(50));

    assertThat(call).isCompletedWithValueMatching(c -> c.endpoint().equals("primary"));
    assertThat(doneAt.get("u2")).isEqualTo(TestClock.DEFAULT_START.plus(PRIMARY_LATENCY));
    ShadowPair pair = sink.pairs().get(0);
    assertThat(pair.primary().succeeded()).isTrue();
    assertThat(pair.shadow().succeeded()).isFalse();
    assertThat(pair.shadow().error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(pair.shadow().text()).isNull();
  }

  @Test
  void shadowCallsAreTaggedNeverReassignedAndPublishTheirPair() {
    client(candidateWithLatency(Duration.ofMillis(10)), 1.0, 8, 2);
    Map<String, Instant> doneAt = new ConcurrentHashMap<>();
    CompletableFuture<Completion> call = start("u3", doneAt);
    clock.advance(Duration.ofSeconds(1));
    String primaryId = call.join().callId();

    List<RecordingListener.Recorded> starts = listener.events(RecordingListener.Type.CALL_START);
    assertThat(starts).hasSize(2);
    assertThat(listener.events(ExposureEvent.class)).as("the shadow call is not assigned again").hasSize(1);
    List<ShadowEvent> shadowEvents = listener.events(ShadowEvent.class);
    assertThat(shadowEvents).singleElement().satisfies(e -> assertThat(e.pair()).isEqualTo(sink.pairs().get(0)));
    String shadowId = shadowEvents.get(0).pair().shadow().callId();
    assertThat(shadowId).isNotEqualTo(primaryId);
    assertThat(listener.events(r -> r.event() instanceof ShadowEvent).get(0).callId())
        .as("published on the shadow call").isEqualTo(shadowId);
    assertThat(listener.types(shadowId)).last().isEqualTo(RecordingListener.Type.CALL_END);
    assertThat(experiments.shadowStats().offered()).as("no shadow of the shadow").isEqualTo(1);
  }

  @Test
  void theShadowCallCarriesTheShadowTagAndMarker() {
    client(candidateWithLatency(Duration.ofMillis(10)), 1.0, 8, 2);
    List<CallContext> contexts = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<ShadowOf> markers = new java.util.concurrent.CopyOnWriteArrayList<>();
    client.close();
    client = LlmClient.builder()
        .model("primary", primary)
        .model("candidate", candidate)
        .experiments(Experiments.builder()
            .add(experiments.get("model-swap").orElseThrow())
            .shadowSink(sink)
            .build())
        .attemptInterceptor(chain -> {
          contexts.add(chain.call().context());
          chain.call().attributes().get(ShadowOf.KEY).ifPresent(markers::add);
          return chain.proceed(chain.request());
        })
        .clock(clock)
        .scheduler(scheduler)
        .build();
    CompletableFuture<Completion> call =
        client.request(ChatRequest.of("q")).context(CallContext.ofSubject("u4").withTenant("acme")).callAsync();
    assertThat(call).as("the primary has not answered before the clock moves").isNotDone();
    clock.advance(Duration.ofSeconds(1));
    assertThat(contexts).hasSize(2);
    assertThat(contexts.get(0).tags()).doesNotContainKey(Experiments.SHADOW_TAG);
    assertThat(contexts.get(1).tags()).containsEntry(Experiments.SHADOW_TAG, "true");
    assertThat(contexts.get(1).tenant()).as("the shadow is attributed to the same tenant").isEqualTo("acme");
    assertThat(markers).singleElement().satisfies(m -> {
      assertThat(m.experimentKey()).isEqualTo("model-swap");
      assertThat(m.variant()).isEqualTo("candidate");
    });
    assertThat(call).isCompleted();
  }

  @Test
  void overflowIsDroppedAndCountedAndTheConcurrencyCapHolds() {
    client(FakeChatModel.create(), candidateWithLatency(Duration.ofSeconds(1)), 1.0, 2, 1);

    for (int i = 0; i < 10; i++) {
      assertThat(client.chat(ChatRequest.of("q" + i), CallContext.ofSubject("u" + i)).endpoint()).isEqualTo("primary");
    }
    Experiments.ShadowStats stats = experiments.shadowStats();
    assertThat(stats.offered()).isEqualTo(10);
    assertThat(stats.dropped()).as("one running slot, two queued, seven dropped").isEqualTo(7);
    assertThat(stats.queued()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(10));
    assertThat(sink.pairs()).hasSize(3);
    assertThat(candidate.callCount()).isEqualTo(3);
    assertThat(candidate.maxInFlight()).as("concurrency cap").isEqualTo(1);
    assertThat(experiments.shadowStats().finished()).isEqualTo(3);
    assertThat(experiments.shadowStats().running()).isZero();
  }

  @Test
  void aHungShadowIsCancelledAtTheTimeoutAndFreesItsSlot() {
    FakeChatModel hung = FakeChatModel.create();
    hung.failWith(Fault.hang()).always();
    client(hung, 1.0, 4, 1);
    Map<String, Instant> doneAt = new ConcurrentHashMap<>();
    CompletableFuture<Completion> call = start("u5", doneAt);
    clock.advance(PRIMARY_LATENCY);
    assertThat(call).isCompleted();
    assertThat(experiments.shadowStats().running()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(30));
    assertThat(experiments.shadowStats().running()).isZero();
    assertThat(sink.pairs()).singleElement().satisfies(p -> {
      assertThat(p.shadow().error()).isInstanceOf(CancellationException.class);
      assertThat(p.shadow().latency()).isEqualTo(Duration.ofSeconds(30));
    });
    assertThat(hung.cancelledCount()).isEqualTo(1);
  }

  @Test
  void aThrowingSinkIsCountedAndDoesNotStopLaterShadows() {
    candidate = FakeChatModel.create();
    experiments = Experiments.builder()
        .add(Experiment.builder("model-swap").variant(Variant.of("control").withModel("primary"))
            .variant(Variant.of("candidate").withModel("candidate")).weights(1, 0)
            .shadow(new Shadow("candidate", 1.0)).build())
        .shadowSink(pair -> {
          throw new IllegalStateException("sink down");
        })
        .build();
    client = LlmClient.builder().model("primary", FakeChatModel.create()).model("candidate", candidate)
        .experiments(experiments).clock(clock).scheduler(scheduler).build();
    for (int i = 0; i < 3; i++) {
      assertThat(client.chat(ChatRequest.of("q"), CallContext.ofSubject("u" + i)).endpoint()).isEqualTo("primary");
    }
    clock.runDue();
    assertThat(candidate.callCount()).isEqualTo(3);
    assertThat(experiments.shadowStats().sinkFailures()).isEqualTo(3);
    assertThat(experiments.shadowStats().running()).isZero();
  }

  @Test
  void aboutTheConfiguredFractionOfCallsIsShadowed() {
    client(FakeChatModel.create(), FakeChatModel.create(), 0.3, 2000, 4);
    for (int i = 0; i < 2000; i++) {
      client.chat(ChatRequest.of("q"), CallContext.ofSubject("u" + i));
    }
    clock.runDue();
    long offered = experiments.shadowStats().offered();
    assertThat(offered / 2000.0).isBetween(0.25, 0.35);
    assertThat(sink.received()).isEqualTo(offered);
    assertThat(experiments.shadowStats().dropped()).isZero();
  }
}
