package dev.llmops.testkit.costs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.StreamHandler;
import dev.llmops.api.Usage;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.Dimension;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.accounting.Outcome;
import dev.llmops.core.accounting.UnknownModelPolicy;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.FakeReply;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.TestClock;
import org.junit.jupiter.api.Test;

/**
 * Accounting and the cache through a real client with fake models and a test clock (the budget
 * tests are in llmops-core's own tests).
 */
class CostPipelineTest {
  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final InMemoryLedger ledger = InMemoryLedger.create();
  private final RecordingListener events = RecordingListener.create();

  private static final CallContext ACME =
      CallContext.ofTenant("acme").withSubject("u1").withFeature("support").withApiKeyId("key-7");

  private LlmClient.Builder client(FakeChatModel model) {
    return LlmClient.builder().model("smart", model).clock(clock).scheduler(scheduler).listener(events)
        .accounting(Accounting.builder().ledger(ledger).build());
  }

  private static FakeChatModel gpt4o() {
    return FakeChatModel.builder().provider("openai").modelId("gpt-4o").build();
  }

  @Test
  void anAnsweredCallIsCostedOnceWithItsAttributionAndTheCostIsOnTheCompletion() {
    FakeChatModel model = gpt4o();
    model.enqueue(FakeReply.text("hello").withUsage(new Usage(1000, 100, 400, 0, 0, false)));
    try (LlmClient c = client(model).build()) {
      Completion answer = c.chat(ChatRequest.of("hi"), ACME.withTag(LedgerRecord.SHADOW_TAG, "true"));
      assertThat(answer.attribute(Cost.KEY).flatMap(Cost::amount)).hasValue(Money.usd("0.003"));
    }
    assertThat(ledger.records()).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
      assertThat(r.cost().total()).isEqualTo(Money.usd("0.003"));
      assertThat(r.cost().catalogVersion()).isEqualTo(PriceCatalog.bundled().version());
      assertThat(r.tenant()).isEqualTo("acme");
      assertThat(r.subject()).isEqualTo("u1");
      assertThat(r.feature()).isEqualTo("support");
      assertThat(r.apiKeyId()).isEqualTo("key-7");
      assertThat(r.shadow()).isTrue();
      assertThat(r.endpoint()).isEqualTo("smart");
      assertThat(r.at()).isEqualTo(TestClock.DEFAULT_START);
    });
    assertThat(ledger.summarize(Dimension.TENANT).get("acme").cost()).isEqualTo(Money.usd("0.003"));
  }

  @Test
  void aCutStreamIsCostedFromItsPartialTextAndFlaggedEstimated() {
    FakeChatModel model = gpt4o();
    model.enqueue(FakeReply.text("once upon a time there was a model").withStreamFault(Fault.streamCutAfter(3)));
    try (LlmClient c = client(model).build()) {
      var call = c.stream(ChatRequest.of("tell me a story"), StreamHandler.IGNORE);
      assertThatThrownBy(() -> call.completion().join()).isInstanceOf(RuntimeException.class);
    }
    LedgerRecord r = ledger.records().get(0);
    assertThat(ledger.size()).isEqualTo(1);
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.usage().estimated()).isTrue();
    assertThat(r.usage().inputTokens()).isPositive();
    assertThat(r.usage().outputTokens()).isPositive(); // never $0 for a stream that produced text
    assertThat(r.cost().amount().orElseThrow()).isGreaterThan(Money.ZERO);
  }

  @Test
  void retriesAndErrorsYieldOneRecordPerAttempt() {
    FakeChatModel model = gpt4o();
    model.failNext(1, Fault.serverError(500));
    try (LlmClient c = client(model)
        .step(PipelineStep.RESILIENCE, chain -> chain.proceed(chain.request())
            .exceptionallyCompose(e -> chain.proceed(chain.request())))
        .build()) {
      assertThat(c.chat(ChatRequest.of("hi")).attempts()).isEqualTo(2);
    }
    assertThat(ledger.records()).extracting(LedgerRecord::attempt, LedgerRecord::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, Outcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, Outcome.SUCCEEDED));
    assertThat(ledger.records().get(0).usage()).isEqualTo(Usage.ZERO); // an error status is not billed
  }

  @Test
  void unknownModelsFailOrAreRecordedAtUnknownCostByPolicy() {
    FakeChatModel model = FakeChatModel.create(); // "fake-model": not in any catalog
    try (LlmClient c = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler)
        .accounting(Accounting.builder().unknownModels(UnknownModelPolicy.FAIL).build()).build()) {
      assertThatThrownBy(() -> c.chat(ChatRequest.of("hi")))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("fake-model");
    }
    assertThat(model.callCount()).isZero();
    try (LlmClient c = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler).listener(events)
        .accounting(Accounting.builder().ledger(ledger).build()).build()) {
      assertThat(c.chat(ChatRequest.of("hi")).attribute(Cost.KEY).orElseThrow().known()).isFalse();
    }
    assertThat(ledger.records()).singleElement().satisfies(r -> assertThat(r.cost().known()).isFalse());
    assertThat(events.events(Accounting.UnknownPriceEvent.class)).hasSize(1);
    assertThat(ledger.total().unknownCostRecords()).isEqualTo(1);
  }

  @Test
  void deterministicRequestsAreAnsweredFromTheCacheAtNoCost() {
    FakeChatModel model = gpt4o();
    ChatRequest request = ChatRequest.builder().user("capital of France?").temperature(0).build();
    try (LlmClient c = client(model).cache(ResponseCache.builder().build()).build()) {
      Completion first = c.chat(request);
      Completion second = c.chat(request);
      assertThat(second.text()).isEqualTo(first.text());
      assertThat(second.attempts()).isZero();
      assertThat(second.attribute(ResponseCache.HIT)).isPresent();
      assertThat(second.response().metadata()).containsEntry(ResponseCache.METADATA_KEY, "hit");
      assertThat(second.attribute(Cost.KEY).flatMap(Cost::amount)).hasValue(Money.ZERO);
      Money firstCost = first.attribute(Cost.KEY).flatMap(Cost::amount).orElseThrow();
      assertThat(ledger.records()).filteredOn(r -> r.outcome() == Outcome.CACHE_HIT).singleElement()
          .satisfies(r -> assertThat(r.saved()).isEqualTo(firstCost));
      // Not deterministic: never cached.
      ChatRequest warm = ChatRequest.builder().user("capital of France?").build();
      c.chat(warm);
      assertThat(c.chat(warm).attempts()).isEqualTo(1);
    }
    assertThat(model.callCount()).isEqualTo(3);
  }
}

