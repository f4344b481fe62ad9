package dev.llmops.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.accounting.Outcome;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.sink.internal.Hand;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Budgets and rate limits through a real client with scripted models and a hand-moved clock
 * (moved here from the testkit's {@code CostPipelineTest}).
 */
class BudgetPipelineTest {
  private static final CallContext ACME =
      CallContext.ofTenant("acme").withSubject("u1").withFeature("support").withApiKeyId("key-7");

  private final Hand clock = new Hand();
  private final InMemoryLedger ledger = InMemoryLedger.create();
  private final InMemoryBudgetStore store = InMemoryBudgetStore.create();
  private final RecordedEvents recorder = new RecordedEvents();

  private LlmClient.Builder client(ScriptedModel model) {
    return LlmClient.builder().model("smart", model).clock(clock).scheduler(clock).listener(recorder)
        .accounting(Accounting.builder().ledger(ledger).build());
  }

  private static ScriptedModel gpt4o() {
    return new ScriptedModel("openai", "gpt-4o");
  }

  @Test
  void aCancelledCallIsRecordedOnceAndItsReservationReleased() {
    ScriptedModel model = gpt4o();
    Budget daily = Budget.money(Scope.TENANT, Money.usd("10"), Window.daily());
    try (LlmClient c = client(model).budgets(Budgets.builder().store(store).budget(daily).build()).build()) {
      CompletableFuture<Completion> f = c.request(ChatRequest.of("hang on")).context(ACME).callAsync();
      assertThat(store.totalReserved()).isPositive();
      f.cancel(true);
      assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
    }
    assertThat(ledger.records()).singleElement().extracting(LedgerRecord::outcome).isEqualTo(Outcome.CANCELLED);
    assertThat(store.totalReserved()).isZero();
    assertThat(store.balances().values().iterator().next().spent()).isPositive(); // the prompt was billed
  }

  @Test
  void budgetWindowsRollOverOnTheClock() {
    ScriptedModel model = gpt4o().usage(r -> Usage.of(5, 40));
    Budget tokens = Budget.tokens(Scope.TENANT, 200, Window.daily());
    ChatRequest request = ChatRequest.builder().user("hi there").maxOutputTokens(40).build();
    try (LlmClient c = client(model).budgets(Budgets.builder().store(store).budget(tokens).build()).build()) {
      int admitted = 0;
      BudgetExceededException rejected = null;
      for (int i = 0; i < 20 && rejected == null; i++) {
        try {
          c.chat(request, ACME);
          admitted++;
        } catch (BudgetExceededException e) {
          rejected = e;
        }
      }
      assertThat(admitted).isPositive();
      assertThat(rejected).isNotNull();
      assertThat(rejected.scope()).isEqualTo("tenant:acme");
      assertThat(rejected.resetAt()).isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
      assertThat(store.balances().values().iterator().next().spent()).isEqualTo(45L * admitted)
          .isLessThanOrEqualTo(200);
      clock.advance(Duration.ofDays(1));
      assertThat(c.chat(request, ACME).text()).isNotEmpty();
      assertThat(c.chat(request, CallContext.ofTenant("other")).text()).isNotEmpty(); // scopes are apart
    }
    assertThat(store.totalReserved()).isZero();
  }

  @Test
  void rateLimitsRejectOrWaitWithoutSleeping() {
    ScriptedModel model = gpt4o();
    RateLimit twoPerMinute = RateLimit.requestsPerMinute(Scope.TENANT, 2);
    try (LlmClient c = client(model).budgets(Budgets.builder().rateLimit(twoPerMinute).build()).build()) {
      c.chat(ChatRequest.of("1"), ACME);
      c.chat(ChatRequest.of("2"), ACME);
      assertThatThrownBy(() -> c.chat(ChatRequest.of("3"), ACME)).isInstanceOf(BudgetExceededException.class)
          .hasMessageContaining("2 requests per minute");
      clock.advance(Duration.ofSeconds(30));
      assertThat(c.chat(ChatRequest.of("4"), ACME).text()).isNotEmpty();
    }
    try (LlmClient c = client(model).budgets(Budgets.builder()
        .rateLimit(twoPerMinute.onExceeded(OverLimit.waitUpTo(Duration.ofMinutes(1)))).build()).build()) {
      c.chat(ChatRequest.of("1"), ACME);
      c.chat(ChatRequest.of("2"), ACME);
      CompletableFuture<Completion> third = c.request(ChatRequest.of("3")).context(ACME).callAsync();
      assertThat(third).isNotDone();
      assertThat(recorder.of(BudgetEvents.Waiting.class)).singleElement()
          .satisfies(w -> assertThat(w.delay()).isEqualTo(Duration.ofSeconds(30)));
      clock.advance(Duration.ofSeconds(29));
      assertThat(third).isNotDone();
      clock.advance(Duration.ofSeconds(1));
      assertThat(third).isCompleted();
    }
  }

  @Test
  void anExhaustedBudgetDowngradesToTheCheaperEndpoint() {
    ScriptedModel smart = gpt4o().usage(r -> Usage.of(5, 20));
    ScriptedModel cheap = new ScriptedModel("openai", "gpt-4o-mini").usage(r -> Usage.of(5, 20));
    Budget perFeature = Budget.money(Scope.FEATURE, Money.usd("0.003"), Window.daily())
        .onExceeded(OverLimit.downgradeTo("cheap"));
    try (LlmClient c = LlmClient.builder().model("smart", smart).model("cheap", cheap).clock(clock).scheduler(clock)
        .listener(recorder).accounting(Accounting.builder().catalog(PriceCatalog.bundled()).ledger(ledger).build())
        .budgets(Budgets.builder().budget(perFeature).build()).build()) {
      // gpt-4o reserves 200 output tokens at 1e-05 (0.002 + input) and spends about 0.0002 a call;
      // gpt-4o-mini reserves 0.00012 + input.
      ChatRequest request = ChatRequest.builder().user("hi").maxOutputTokens(200).build();
      for (int i = 0; i < 12; i++) {
        c.chat(request, ACME);
      }
      assertThat(cheap.requests).isNotEmpty();
      assertThat(smart.requests).isNotEmpty();
      assertThat(recorder.of(BudgetEvents.Downgraded.class)).hasSize(cheap.requests.size())
          .allSatisfy(d -> assertThat(d.to()).isEqualTo("cheap"));
    }
    assertThat(ledger.total().cost()).isLessThanOrEqualTo(Money.usd("0.003"));
  }
}
