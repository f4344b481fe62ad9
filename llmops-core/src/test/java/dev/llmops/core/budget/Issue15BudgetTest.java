package dev.llmops.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.pricing.Rates;
import dev.llmops.core.sink.internal.Hand;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, "Budgets that cannot be bypassed": an unpriced model under a hard money budget, usage
 * past the reservation, shadow traffic, and tokens-per-minute limits. Each test failed on the code
 * before the fix.
 */
class Issue15BudgetTest {
  private static final CallContext ACME = CallContext.ofTenant("acme");
  private static final CallContext ACME_SHADOW = ACME.withTag("llmops.shadow", "true");
  /** $1 and $2 per thousand input and output tokens. */
  private static final ModelPrice DEAR = ModelPrice.of("dear", Rates.perMillion("1000", "2000"));

  private final Hand time = new Hand();
  private final InMemoryBudgetStore store = InMemoryBudgetStore.create();
  private final RecordedEvents recorder = new RecordedEvents();

  private LlmClient client(ScriptedModel model, PriceCatalog catalog, Budgets budgets) {
    return LlmClient.builder().model("m", model).clock(time).scheduler(time).listener(recorder)
        .accounting(Accounting.builder().catalog(catalog).ledger(InMemoryLedger.create()).build())
        .budgets(budgets).build();
  }

  private static PriceCatalog priced(String modelId, ModelPrice price) {
    return PriceCatalog.empty().withOverride(modelId, price);
  }

  // ---- unknown price ----

  @Test
  void anUnpricedModelUnderAHardMoneyBudgetIsRejectedByDefaultNamingTheModel() {
    ScriptedModel model = new ScriptedModel("newco", "brand-new-model");
    Budget money = Budget.money(Scope.TENANT, Money.usd("1"), Window.daily());
    try (LlmClient c = client(model, PriceCatalog.empty(), Budgets.builder().store(store).budget(money).build())) {
      assertThatThrownBy(() -> c.chat(ChatRequest.of("hi"), ACME))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("'brand-new-model'").hasMessageContaining("'newco'")
          .hasMessageContaining(money.name()).hasMessageContaining("UnpricedModels.reserveAt");
    }
    assertThat(model.requests).isEmpty();
    assertThat(store.totalReserved()).isZero();
  }

  @Test
  void anUnpricedModelIsReservedForAndChargedAtTheFallbackPrice() {
    ScriptedModel model = new ScriptedModel("newco", "brand-new-model").usage(r -> Usage.of(100, 50));
    Budget money = Budget.money(Scope.TENANT, Money.usd("1"), Window.daily());
    Budgets budgets = Budgets.builder().store(store).budget(money)
        .unpricedModels(UnpricedModels.reserveAt(DEAR)).build();
    int admitted = 0;
    try (LlmClient c = client(model, PriceCatalog.empty(), budgets)) {
      ChatRequest request = ChatRequest.builder().user("hi").maxOutputTokens(100).build();
      for (int i = 0; i < 20; i++) {
        try {
          c.chat(request, ACME);
          admitted++;
        } catch (BudgetExceededException e) {
          break;
        }
      }
    }
    // Each call costs 100 * $0.001 + 50 * $0.002 = $0.20 at the fallback; $1 admits at most five.
    long perCall = DEAR.costNanosCeiling(Usage.of(100, 50));
    assertThat(perCall).isEqualTo(200_000_000L);
    assertThat(admitted).isBetween(1, 5);
    BudgetStore.Balance balance = budgets.balance(money, ACME, time.instant());
    assertThat(balance.spent()).isEqualTo(admitted * perCall).isLessThanOrEqualTo(money.limit());
    assertThat(store.totalReserved()).isZero();
  }

  @Test
  void anUnpricedModelUnderOnlyATokenBudgetIsAdmitted() {
    ScriptedModel model = new ScriptedModel("newco", "brand-new-model");
    Budget tokens = Budget.tokens(Scope.TENANT, 100_000, Window.daily());
    try (LlmClient c = client(model, PriceCatalog.empty(), Budgets.builder().store(store).budget(tokens).build())) {
      assertThat(c.chat(ChatRequest.of("hi"), ACME).text()).isEqualTo(ScriptedModel.ANSWER);
    }
  }

  // ---- the reservation is binding ----

  @Test
  void theRequestSentCarriesTheCapTheReservationPaidFor() {
    ScriptedModel model = new ScriptedModel("p", "m1");
    Budget money = Budget.money(Scope.TENANT, Money.usd("100"), Window.daily());
    Budgets budgets = Budgets.builder().store(store).budget(money).defaultMaxOutputTokens(700).build();
    try (LlmClient c = client(model, priced("m1", DEAR), budgets)) {
      c.chat(ChatRequest.of("hi"), ACME);
      assertThat(model.lastCap()).as("no cap asked: the default reserved for").isEqualTo(700);
      c.chat(ChatRequest.builder().user("hi").maxOutputTokens(50).build(), ACME);
      assertThat(model.lastCap()).as("the caller's own lower cap").isEqualTo(50);
    }
    try (LlmClient c = client(model, priced("m1", DEAR.withMaxOutputTokens(300)), budgets)) {
      c.chat(ChatRequest.of("hi"), ACME);
      assertThat(model.lastCap()).as("the catalog's max_output_tokens").isEqualTo(300);
    }
  }

  @Test
  void withoutAHardBudgetTheRequestIsSentAsItWas() {
    ScriptedModel model = new ScriptedModel("p", "m1");
    Budget soft = Budget.money(Scope.TENANT, Money.usd("100"), Window.daily()).soft();
    try (LlmClient c = client(model, priced("m1", DEAR), Budgets.builder().store(store).budget(soft).build())) {
      c.chat(ChatRequest.of("hi"), ACME);
    }
    assertThat(model.lastCap()).isNull();
  }

  @Test
  void theCapIsLoweredToWhatTheBudgetHasRoomFor() {
    long[] committedWhenSent = new long[1];
    Budget tokens = Budget.tokens(Scope.TENANT, 1_000, Window.daily());
    Budgets budgets = Budgets.builder().store(store).budget(tokens).defaultMaxOutputTokens(500).build();
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 300))
        .onCall(r -> committedWhenSent[0] = budgets.balance(tokens, ACME, time.instant()).committed());
    ChatRequest request = ChatRequest.of("hi"); // no cap of its own: the default, 500, is reserved
    try (LlmClient c = client(model, priced("m1", DEAR), budgets)) {
      c.chat(request, ACME); // 305 spent
      c.chat(request, ACME); // 610 spent: 390 left, less than the prompt and 500 output tokens
      assertThat(model.lastCap()).isEqualTo(500);
      c.chat(request, ACME);
      int lowered = model.lastCap();
      assertThat(lowered).isLessThan(500).isGreaterThan(300);
      // The reservation took exactly the room that was left: prompt bound plus the lowered cap.
      assertThat(committedWhenSent[0]).isEqualTo(tokens.limit());
      // 915 spent: 85 left. A caller's own cap is kept: rejected rather than cut short.
      assertThatThrownBy(() -> c.chat(ChatRequest.builder().user("hi").maxOutputTokens(500).build(), ACME))
          .isInstanceOf(BudgetExceededException.class);
    }
    // With a minimum of 100 output tokens the next call is not admitted.
    Budgets strict = Budgets.builder().store(store).budget(tokens).defaultMaxOutputTokens(500)
        .minOutputTokens(100).build();
    try (LlmClient c = client(model, priced("m1", DEAR), strict)) {
      assertThatThrownBy(() -> c.chat(request, ACME)).isInstanceOf(BudgetExceededException.class);
    }
    try (LlmClient c = client(model, priced("m1", DEAR), budgets)) {
      c.chat(request, ACME);
      assertThat(model.lastCap()).isLessThan(85);
    }
    assertThat(store.totalReserved()).isZero();
  }

  @Test
  void aMoneyBudgetLowersTheCapToTheOutputItsRoomPaysFor() {
    // $0.001 at $1/$2 per million: the prompt's bound, and about 500 output tokens.
    ModelPrice cheap = ModelPrice.of("cheap", Rates.perMillion("1", "2"));
    long[] committedWhenSent = new long[1];
    Budget money = Budget.money(Scope.TENANT, Money.usd("0.001"), Window.daily());
    Budgets budgets = Budgets.builder().store(store).budget(money).defaultMaxOutputTokens(1_000).build();
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(2, 2))
        .onCall(r -> committedWhenSent[0] = budgets.balance(money, ACME, time.instant()).committed());
    try (LlmClient c = client(model, priced("m1", cheap), budgets)) {
      c.chat(ChatRequest.of("hi"), ACME);
    }
    assertThat(model.lastCap()).isGreaterThan(400).isLessThan(500);
    // The most output tokens that fit: one more (2,000 nano-dollars) would not have.
    assertThat(committedWhenSent[0]).isLessThanOrEqualTo(money.limit()).isGreaterThan(money.limit() - 2_000);
  }

  @Test
  void usagePastTheReservationIsChargedAndPublishedAsAnOvershoot() {
    // A provider that ignores the cap: 200k output tokens against a 16-token reservation.
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(3, 200_000));
    Budget tokens = Budget.tokens(Scope.TENANT, 10_000, Window.daily());
    Budgets budgets = Budgets.builder().store(store).budget(tokens).build();
    try (LlmClient c = client(model, priced("m1", DEAR), budgets)) {
      c.chat(ChatRequest.builder().user("hi").maxOutputTokens(16).build(), ACME);
      assertThat(model.lastCap()).isEqualTo(16);
    }
    BudgetStore.Balance balance = budgets.balance(tokens, ACME, time.instant());
    assertThat(balance.spent()).isEqualTo(200_003);
    assertThat(recorder.of(BudgetEvents.Overshoot.class)).singleElement().satisfies(o -> {
      assertThat(o.scope()).isEqualTo("tenant:acme");
      assertThat(o.limit()).isEqualTo(tokens.describe());
      assertThat(o.actual()).isEqualTo(200_003);
      assertThat(o.overshoot()).isEqualTo(o.actual() - o.reserved()).isGreaterThan(199_000);
      assertThat(o.reserved()).isGreaterThan(16).isLessThan(1_000);
    });
  }

  @Test
  void usageWithinTheReservationPublishesNoOvershoot() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(1, 16));
    Budget money = Budget.money(Scope.TENANT, Money.usd("10"), Window.daily());
    try (LlmClient c = client(model, priced("m1", DEAR), Budgets.builder().store(store).budget(money).build())) {
      c.chat(ChatRequest.builder().user("hi").maxOutputTokens(16).build(), ACME);
    }
    assertThat(recorder.of(BudgetEvents.Overshoot.class)).isEmpty();
    assertThat(store.balances().values()).singleElement()
        .satisfies(b -> assertThat(b.spent()).isEqualTo(DEAR.costNanosCeiling(Usage.of(1, 16))));
  }

  // ---- shadow traffic ----

  @Test
  void shadowCallsSpendTheirOwnBudgetNotTheTenants() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 40));
    Budget tokens = Budget.tokens(Scope.TENANT, 200, Window.daily());
    ChatRequest request = ChatRequest.builder().user("hi").maxOutputTokens(40).build();
    try (LlmClient c = client(model, priced("m1", DEAR), Budgets.builder().store(store).budget(tokens)
        .minOutputTokens(40).build())) {
      BudgetExceededException rejected = null;
      for (int i = 0; i < 20 && rejected == null; i++) {
        try {
          c.chat(request, ACME_SHADOW);
        } catch (BudgetExceededException e) {
          rejected = e;
        }
      }
      assertThat(rejected).isNotNull();
      assertThat(rejected.scope()).isEqualTo("shadow:tenant:acme");
      // The tenant's own calls still have their whole budget.
      assertThat(Budgets.counterKey(tokens, ACME, time.instant()))
          .isNotEqualTo(Budgets.counterKey(tokens, ACME_SHADOW, time.instant()));
      assertThat(budgets(tokens).balance(tokens, ACME, time.instant()).committed()).isZero();
      assertThat(c.chat(request, ACME).text()).isEqualTo(ScriptedModel.ANSWER);
    }
  }

  @Test
  void shadowCallsHaveTheirOwnRateLimitBuckets() {
    ScriptedModel model = new ScriptedModel("p", "m1");
    RateLimit one = RateLimit.requestsPerMinute(Scope.TENANT, 1);
    try (LlmClient c = client(model, priced("m1", DEAR), Budgets.builder().rateLimit(one).build())) {
      c.chat(ChatRequest.of("1"), ACME_SHADOW);
      assertThatThrownBy(() -> c.chat(ChatRequest.of("2"), ACME_SHADOW))
          .isInstanceOf(BudgetExceededException.class).hasMessageContaining("shadow:tenant:acme");
      assertThat(c.chat(ChatRequest.of("3"), ACME).text()).isEqualTo(ScriptedModel.ANSWER);
    }
  }

  private Budgets budgets(Budget b) {
    return Budgets.builder().store(store).budget(b).build();
  }

  // ---- tokens per minute ----

  @Test
  void tokensPerMinuteChargesTheRealUsageAndRefillsOnTheClock() {
    // Each call uses 100 tokens. The prompt's bound is far lower (three such calls would fit in
    // 150), so the third call is refused only because settlement charged the real usage.
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(20, 80));
    RateLimit tpm = RateLimit.tokensPerMinute(Scope.TENANT, 150);
    try (LlmClient c = client(model, priced("m1", DEAR), Budgets.builder().rateLimit(tpm).build())) {
      c.chat(ChatRequest.of("1"), ACME); // 100 of 150 used
      c.chat(ChatRequest.of("2"), ACME); // its bound fits in the 50 left; then 200 used
      assertThatThrownBy(() -> c.chat(ChatRequest.of("3"), ACME))
          .isInstanceOf(BudgetExceededException.class).hasMessageContaining("150 tokens per minute");
      assertThat(c.chat(ChatRequest.of("other tenant"), CallContext.ofTenant("globex")).text())
          .isEqualTo(ScriptedModel.ANSWER);
      time.advance(Duration.ofSeconds(20)); // 50 refilled: still 150 used
      assertThatThrownBy(() -> c.chat(ChatRequest.of("4"), ACME)).isInstanceOf(BudgetExceededException.class);
      time.advance(Duration.ofSeconds(20)); // 100 used
      assertThat(c.chat(ChatRequest.of("5"), ACME).text()).isEqualTo(ScriptedModel.ANSWER);
    }
    assertThat(model.requests).hasSize(4);
  }

  @Test
  void tokensPerMinuteRejectsWithTheLimitAndWhenItHasRoom() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(20, 130));
    RateLimit tpm = RateLimit.tokensPerMinute(Scope.TENANT, 150);
    try (LlmClient c = client(model, priced("m1", DEAR), Budgets.builder().rateLimit(tpm).build())) {
      c.chat(ChatRequest.of("1"), ACME); // the bucket is full: 150 of 150
      BudgetExceededException e = org.junit.jupiter.api.Assertions.assertThrows(
          BudgetExceededException.class, () -> c.chat(ChatRequest.of("2"), ACME));
      assertThat(e.limit()).isEqualTo("150 tokens per minute");
      assertThat(e.scope()).isEqualTo("tenant:acme");
      assertThat(e.resetAt()).isAfter(time.instant()).isBeforeOrEqualTo(time.instant().plusSeconds(60));
      time.advance(Duration.between(time.instant(), e.resetAt()));
      assertThat(c.chat(ChatRequest.of("2"), ACME).text()).isEqualTo(ScriptedModel.ANSWER);
    }
  }

  @Test
  void tokensPerMinuteWaitsForRoomWithoutSleeping() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(20, 130));
    RateLimit tpm = RateLimit.tokensPerMinute(Scope.TENANT, 150).onExceeded(OverLimit.waitUpTo(Duration.ofMinutes(1)));
    try (LlmClient c = client(model, priced("m1", DEAR), Budgets.builder().rateLimit(tpm).build())) {
      c.chat(ChatRequest.of("1"), ACME);
      var second = c.request(ChatRequest.of("2")).context(ACME).callAsync();
      assertThat(second).isNotDone();
      Duration delay = recorder.of(BudgetEvents.Waiting.class).get(0).delay();
      assertThat(delay).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
      time.advance(delay.minusMillis(1));
      assertThat(second).isNotDone();
      time.advance(Duration.ofMillis(1));
      assertThat(second).isCompleted();
      assertThat(model.requests).hasSize(2);
    }
  }
}
