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
import dev.llmops.core.PipelineStep;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.pricing.Rates;
import dev.llmops.core.sink.internal.Hand;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Admission's paths: soft budgets, waiting for a window, downgrades, retries and fallbacks. */
class BudgetAdmissionTest {
  private static final CallContext ACME = CallContext.ofTenant("acme");
  private static final ModelPrice PRICE = ModelPrice.of("m", Rates.perMillion("1000", "2000"));

  private final Hand clock = new Hand();
  private final InMemoryBudgetStore store = InMemoryBudgetStore.create();
  private final RecordedEvents events = new RecordedEvents();
  private final InMemoryLedger ledger = InMemoryLedger.create();

  private LlmClient.Builder client() {
    PriceCatalog catalog = PriceCatalog.empty().withOverride("m1", PRICE).withOverride("m2", PRICE);
    return LlmClient.builder().clock(clock).scheduler(clock).listener(events)
        .accounting(Accounting.builder().catalog(catalog).ledger(ledger).build());
  }

  private static ChatRequest capped(String text, int cap) {
    return ChatRequest.builder().user(text).maxOutputTokens(cap).build();
  }

  @Test
  void aSoftBudgetAdmitsEveryCallAndSaysOnceItIsPastItsLimit() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 40));
    Budget soft = Budget.tokens(Scope.TENANT, 80, Window.daily()).soft();
    try (LlmClient c = client().model("m", model).budgets(Budgets.builder().store(store).budget(soft).build()).build()) {
      c.chat(capped("1", 40), ACME); // 45 spent
      assertThat(events.of(BudgetEvents.SoftLimitExceeded.class)).isEmpty();
      c.chat(capped("2", 40), ACME); // 45 + its reservation: past 80
      assertThat(events.of(BudgetEvents.SoftLimitExceeded.class)).singleElement().satisfies(e -> {
        assertThat(e.scope()).isEqualTo("tenant:acme");
        assertThat(e.limit()).isEqualTo("80 tokens per day");
      });
      c.chat(capped("3", 40), ACME);
      c.chat(capped("4", 40), ACME);
      assertThat(events.of(BudgetEvents.SoftLimitExceeded.class)).hasSize(3);
      assertThat(model.lastCap()).as("a soft budget does not bind the cap").isEqualTo(40);
    }
    assertThat(store.balances().values()).singleElement().satisfies(b -> assertThat(b.spent()).isEqualTo(180));
    assertThat(events.of(BudgetEvents.Overshoot.class)).isEmpty();
  }

  @Test
  void aSoftRollingBudgetSaysSoToo() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 40));
    Budget soft = Budget.tokens(Scope.TENANT, 80, Window.rolling(Duration.ofHours(1), 4)).soft();
    try (LlmClient c = client().model("m", model).budgets(Budgets.builder().store(store).budget(soft).build()).build()) {
      c.chat(capped("1", 40), ACME);
      assertThat(events.of(BudgetEvents.SoftLimitExceeded.class)).isEmpty();
      c.chat(capped("2", 40), ACME);
      c.chat(capped("3", 40), ACME);
      assertThat(events.of(BudgetEvents.SoftLimitExceeded.class)).hasSize(2);
    }
  }

  @Test
  void aBudgetThatWaitsIsAdmittedWhenItsWindowEndsAndNotBefore() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 40));
    Budget hourly = Budget.tokens(Scope.TENANT, 100, Window.every(Duration.ofHours(1)))
        .onExceeded(OverLimit.waitUpTo(Duration.ofHours(1)));
    try (LlmClient c = client().model("m", model).budgets(Budgets.builder().store(store).budget(hourly).build()).build()) {
      clock.advance(Duration.ofMinutes(45));
      c.chat(capped("1", 40), ACME);
      CompletableFuture<Completion> second = c.request(capped("2", 60)).context(ACME).callAsync();
      assertThat(second).isNotDone();
      assertThat(events.of(BudgetEvents.Waiting.class)).singleElement().satisfies(w -> {
        assertThat(w.delay()).isEqualTo(Duration.ofMinutes(15));
        assertThat(w.scope()).isEqualTo("tenant:acme");
      });
      clock.advance(Duration.ofMinutes(15).minusMillis(1));
      assertThat(second).isNotDone();
      clock.advance(Duration.ofMillis(1));
      assertThat(second).isCompleted();
      assertThat(model.requests).hasSize(2);
    }
  }

  @Test
  void aWaitLongerThanItsBoundIsRejectedAtOnce() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 40));
    Budget hourly = Budget.tokens(Scope.TENANT, 100, Window.every(Duration.ofHours(1)))
        .onExceeded(OverLimit.waitUpTo(Duration.ofMinutes(14)));
    try (LlmClient c = client().model("m", model).budgets(Budgets.builder().store(store).budget(hourly).build()).build()) {
      clock.advance(Duration.ofMinutes(45));
      c.chat(capped("1", 40), ACME);
      BudgetExceededException e = org.junit.jupiter.api.Assertions.assertThrows(
          BudgetExceededException.class, () -> c.chat(capped("2", 60), ACME));
      assertThat(e.resetAt()).isEqualTo(Instant.parse("2026-01-01T01:00:00Z"));
      assertThat(e.getMessage()).contains("tenant:acme").contains("100 tokens per PT1H").contains("01:00:00Z");
      assertThat(events.of(BudgetEvents.Waiting.class)).isEmpty();
    }
  }

  @Test
  void aCallCancelledWhileWaitingIsNeverSent() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 40));
    RateLimit one = RateLimit.requestsPerMinute(Scope.TENANT, 1).onExceeded(OverLimit.waitUpTo(Duration.ofMinutes(2)));
    try (LlmClient c = client().model("m", model).budgets(Budgets.builder().rateLimit(one).build()).build()) {
      c.chat(capped("1", 40), ACME);
      CompletableFuture<Completion> second = c.request(capped("2", 40)).context(ACME).callAsync();
      second.cancel(true);
      clock.advance(Duration.ofMinutes(2));
      assertThat(second).isCancelled();
      assertThat(model.requests).hasSize(1);
    }
  }

  @Test
  void aDowngradeGoesOnlyToAnotherKnownEndpointAndOnlyOnce() {
    ScriptedModel smart = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 40));
    ScriptedModel cheap = new ScriptedModel("p", "m2").usage(r -> Usage.of(5, 40));
    Budget toItself = Budget.tokens(Scope.TENANT, 60, Window.daily()).onExceeded(OverLimit.downgradeTo("smart"));
    try (LlmClient c = client().model("smart", smart).model("cheap", cheap)
        .budgets(Budgets.builder().store(store).budget(toItself).build()).build()) {
      c.chat(capped("1", 40), ACME);
      assertThatThrownBy(() -> c.chat(capped("2", 40), ACME)).isInstanceOf(BudgetExceededException.class);
    }
    Budget toNowhere = Budget.tokens(Scope.SUBJECT, 60, Window.daily()).onExceeded(OverLimit.downgradeTo("nowhere"));
    try (LlmClient c = client().model("smart", smart).model("cheap", cheap)
        .budgets(Budgets.builder().store(store).budget(toNowhere).build()).build()) {
      c.chat(capped("1", 40), ACME);
      assertThatThrownBy(() -> c.chat(capped("2", 40), ACME)).isInstanceOf(BudgetExceededException.class);
    }
    // Global: the cheap endpoint is out of room too, so the downgraded call is rejected, not downgraded again.
    Budget global = Budget.tokens(Scope.GLOBAL, 60, Window.daily()).onExceeded(OverLimit.downgradeTo("cheap"));
    try (LlmClient c = client().model("smart", smart).model("cheap", cheap)
        .budgets(Budgets.builder().store(store).budget(global).build()).build()) {
      c.chat(capped("1", 40), ACME);
      assertThatThrownBy(() -> c.chat(capped("2", 40), ACME)).isInstanceOf(BudgetExceededException.class);
      assertThat(events.of(BudgetEvents.Downgraded.class)).singleElement().satisfies(d -> {
        assertThat(d.from()).isEqualTo("smart");
        assertThat(d.to()).isEqualTo("cheap");
        assertThat(d.scope()).isEqualTo("global:*");
      });
    }
    assertThat(cheap.requests).isEmpty();
    assertThat(events.of(BudgetEvents.Downgraded.class)).hasSize(1);
  }

  @Test
  void everyAttemptReservesAgainAndAFallbackReservesOnItsOwnEndpoint() {
    ScriptedModel smart = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 40));
    ScriptedModel cheap = new ScriptedModel("p", "m2").usage(r -> Usage.of(5, 40));
    Budget tokens = Budget.tokens(Scope.TENANT, 1_000, Window.daily());
    long[] committed = new long[2];
    Budgets budgets = Budgets.builder().store(store).budget(tokens).build();
    smart.onCall(r -> committed[0] = budgets.balance(tokens, ACME, clock.instant()).committed());
    cheap.onCall(r -> committed[1] = budgets.balance(tokens, ACME, clock.instant()).committed());
    try (LlmClient c = client().model("smart", smart).model("cheap", cheap)
        // A resilience stand-in: on failure, try the "cheap" endpoint once.
        .step(PipelineStep.RESILIENCE, chain -> chain.proceed(chain.request())
            .exceptionallyCompose(e -> chain.proceed(
                ChatRequest.builder().model("cheap").user("abc then fall back").maxOutputTokens(40).build())))
        .budgets(budgets).build()) {
      Completion answer = c.chat(capped("err then fall back", 40), ACME);
      assertThat(answer.attempts()).isEqualTo(2);
    }
    // The failed attempt was released (an error costs nothing), the fallback reserved its own.
    assertThat(committed[1]).isEqualTo(committed[0]);
    assertThat(cheap.lastCap()).isEqualTo(40);
    assertThat(budgets.balance(tokens, ACME, clock.instant())).isEqualTo(new BudgetStore.Balance(45, 0));
    assertThat(store.totalReserved()).isZero();
  }

  @Test
  void aRetryThatFindsNoRoomFailsWithTheBudgetsException() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 40));
    Budget tokens = Budget.tokens(Scope.TENANT, 100, Window.daily());
    try (LlmClient c = client().model("m", model)
        .step(PipelineStep.RESILIENCE, chain -> chain.proceed(chain.request())
            .exceptionallyCompose(e -> {
              // Another caller takes the room before the retry.
              store.reserve(Budgets.counterKey(tokens, ACME, clock.instant()), 90, 100);
              return chain.proceed(chain.request());
            }))
        .budgets(Budgets.builder().store(store).budget(tokens).build()).build()) {
      assertThatThrownBy(() -> c.chat(capped("err", 40), ACME))
          .isInstanceOf(BudgetExceededException.class).hasMessageContaining("tenant:acme");
    }
    assertThat(model.requests).hasSize(1);
  }

  @Test
  void aCallThatNeverReachesTheModelReleasesItsReservation() {
    ScriptedModel model = new ScriptedModel("p", "m1");
    Budget tokens = Budget.tokens(Scope.TENANT, 100, Window.daily());
    try (LlmClient c = client().model("m", model)
        .step(PipelineStep.CACHE, chain -> CompletableFuture.failedFuture(new IllegalStateException("stop")))
        .budgets(Budgets.builder().store(store).budget(tokens).build()).build()) {
      assertThatThrownBy(() -> c.chat(capped("1", 40), ACME)).isInstanceOf(RuntimeException.class);
      assertThatThrownBy(() -> c.request(capped("1", 40)).context(ACME).callAsync().join())
          .isInstanceOf(CompletionException.class);
    }
    assertThat(model.requests).isEmpty();
    assertThat(store.totalReserved()).isZero();
    assertThat(store.balances().values()).allSatisfy(b -> assertThat(b.spent()).isZero());
  }

  @Test
  void theClientAsksTheStoreToForgetExpiredCountersAtMostOnceASecond() {
    AtomicInteger sweeps = new AtomicInteger();
    BudgetStore counting = new Delegating(store) {
      @Override
      public void evictExpired(Instant now) {
        sweeps.incrementAndGet();
        super.evictExpired(now);
      }
    };
    ScriptedModel model = new ScriptedModel("p", "m1");
    Budget daily = Budget.tokens(Scope.TENANT, 1_000, Window.daily());
    try (LlmClient c = client().model("m", model).budgets(Budgets.builder().store(counting).budget(daily).build()).build()) {
      c.chat(capped("1", 10), CallContext.ofTenant("a"));
      assertThat(sweeps).hasValue(1);
      clock.advance(Duration.ofMillis(999));
      c.chat(capped("2", 10), CallContext.ofTenant("b"));
      assertThat(sweeps).hasValue(1);
      clock.advance(Duration.ofMillis(1));
      c.chat(capped("3", 10), CallContext.ofTenant("c"));
      assertThat(sweeps).hasValue(2);
      assertThat(store.size()).isEqualTo(3);
      clock.advance(Duration.ofDays(1));
      c.chat(capped("4", 10), CallContext.ofTenant("d"));
      assertThat(sweeps).hasValue(3);
      assertThat(store.size()).as("yesterday's three forgotten").isEqualTo(1);
    }
  }

  @Test
  void aLifetimeBudgetIsNeverForgottenAndItsRejectionHasNoResetTime() {
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(5, 40));
    Budget lifetime = Budget.tokens(Scope.TENANT, 60, Window.total());
    try (LlmClient c = client().model("m", model).budgets(Budgets.builder().store(store).budget(lifetime).build()).build()) {
      c.chat(capped("1", 40), ACME);
      clock.advance(Duration.ofDays(400));
      BudgetExceededException e = org.junit.jupiter.api.Assertions.assertThrows(
          BudgetExceededException.class, () -> c.chat(capped("2", 40), ACME));
      assertThat(e.resetAt()).isNull();
      assertThat(e.getMessage()).contains("60 tokens in total").doesNotContain("room again");
    }
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void toolsAndResponseFormatCountInThePromptsBound() {
    long[] committed = new long[1];
    Budget tokens = Budget.tokens(Scope.TENANT, 100_000, Window.daily());
    Budgets budgets = Budgets.builder().store(store).budget(tokens).build();
    ScriptedModel model = new ScriptedModel("p", "m1")
        .onCall(r -> committed[0] = budgets.balance(tokens, ACME, clock.instant()).committed());
    String schema = "{\"type\":\"object\",\"description\":\"" + "x".repeat(1_000) + "\"}";
    try (LlmClient c = client().model("m", model).budgets(budgets).build()) {
      c.chat(capped("hi", 10), ACME);
      long plain = committed[0];
      c.chat(ChatRequest.builder().user("hi").maxOutputTokens(10).toolsJson("[" + schema + "]").build(), ACME);
      // Each call before spent 9 tokens (5 in, 4 out).
      assertThat(committed[0] - 9).as("the tools' bytes").isGreaterThanOrEqualTo(plain + 1_000);
      long withTools = committed[0] - 9;
      c.chat(ChatRequest.builder().user("hi").maxOutputTokens(10).toolsJson("[" + schema + "]")
          .responseFormatJson(schema).build(), ACME);
      assertThat(committed[0] - 18).as("and the response format's").isGreaterThanOrEqualTo(withTools + 1_000);
    }
  }

  @Test
  void aFallbackOnItsFirstAttemptReleasesWhatAdmissionReservedForTheEndpointAsked() {
    ScriptedModel smart = new ScriptedModel("p", "m1");
    ScriptedModel cheap = new ScriptedModel("p", "m2");
    Budget tokens = Budget.tokens(Scope.TENANT, 1_000, Window.daily());
    Budgets budgets = Budgets.builder().store(store).budget(tokens).build();
    long[] committed = new long[2];
    smart.onCall(r -> committed[0] = budgets.balance(tokens, ACME, clock.instant()).committed());
    cheap.onCall(r -> committed[1] = budgets.balance(tokens, ACME, clock.instant()).committed());
    try (LlmClient c = client().model("smart", smart).model("cheap", cheap).budgets(budgets).build()) {
      c.chat(capped("same", 10), ACME); // smart: 9 spent, then the prompt's bound + 10 reserved
      long reservation = committed[0];
      try (LlmClient f = client().model("smart", smart).model("cheap", cheap)
          .step(PipelineStep.RESILIENCE, chain -> chain.proceed(chain.request().withModel("cheap")))
          .budgets(budgets).build()) {
        f.chat(capped("same", 10), ACME);
      }
      assertThat(committed[1]).as("only the fallback's reservation").isEqualTo(reservation + 9);
    }
    assertThat(store.totalReserved()).isZero();
  }

  @Test
  void tokensPerMinuteGiveBackWhatACallThatNeverReachedTheModelTook() {
    ScriptedModel model = new ScriptedModel("p", "m1");
    RateLimit tpm = RateLimit.tokensPerMinute(Scope.TENANT, 100);
    try (LlmClient failing = client().model("m", model)
        .step(PipelineStep.CACHE, chain -> CompletableFuture.failedFuture(new IllegalStateException("stop")))
        .budgets(Budgets.builder().rateLimit(tpm).build()).build()) {
      for (int i = 0; i < 30; i++) { // far more than 100 tokens of prompt bounds in all
        assertThatThrownBy(() -> failing.chat(capped("some words of prompt", 10), ACME))
            .isInstanceOf(IllegalStateException.class);
      }
    }
  }

  @Test
  void tokensPerMinuteAreCorrectedByExactlyTheDifferenceToTheRealUsage() {
    long[] committed = new long[1];
    Budget tokens = Budget.tokens(Scope.TENANT, 1_000_000, Window.daily());
    RateLimit tpm = RateLimit.tokensPerMinute(Scope.TENANT, 150);
    Budgets budgets = Budgets.builder().store(store).budget(tokens).rateLimit(tpm).build();
    ScriptedModel model = new ScriptedModel("p", "m1").usage(r -> Usage.of(50, 100))
        .onCall(r -> committed[0] = budgets.balance(tokens, ACME, clock.instant()).committed());
    try (LlmClient c = client().model("m", model).budgets(budgets).build()) {
      c.chat(capped("hi", 1), ACME); // takes the prompt's bound, then exactly 150 in all
      long bound = committed[0] - 1;
      BudgetExceededException e = org.junit.jupiter.api.Assertions.assertThrows(
          BudgetExceededException.class, () -> c.chat(capped("hi", 1), ACME));
      // The bucket is exactly full: the next bound fits once it has refilled, at 150 a minute.
      assertThat(e.resetAt()).isEqualTo(clock.instant().plusNanos(bound * 60_000_000_000L / 150));
    }
  }

  @Test
  void aStoreThatFailsToForgetNeverFailsACall() {
    BudgetStore failing = new Delegating(store) {
      @Override
      public void evictExpired(Instant now) {
        throw new IllegalStateException("store down");
      }
    };
    ScriptedModel model = new ScriptedModel("p", "m1");
    Budget daily = Budget.tokens(Scope.TENANT, 1_000, Window.daily());
    try (LlmClient c = client().model("m", model).budgets(Budgets.builder().store(failing).budget(daily).build()).build()) {
      assertThat(c.chat(capped("1", 10), ACME).text()).isEqualTo(ScriptedModel.ANSWER);
      clock.advance(Duration.ofSeconds(2));
      assertThat(c.chat(capped("2", 10), ACME).text()).isEqualTo(ScriptedModel.ANSWER);
    }
    assertThat(store.balances().values()).singleElement().satisfies(b -> assertThat(b.spent()).isEqualTo(18));
  }

  /** A fixed-window store that hands every operation to another; tests override one. */
  private static class Delegating implements BudgetStore {
    private final BudgetStore to;

    Delegating(BudgetStore to) {
      this.to = to;
    }

    @Override
    public boolean reserve(String key, long amount, long limit) {
      return to.reserve(key, amount, limit);
    }

    @Override
    public boolean reserve(String key, long amount, long limit, Instant expiresAt) {
      return to.reserve(key, amount, limit, expiresAt);
    }

    @Override
    public void settle(String key, long reserved, long actual) {
      to.settle(key, reserved, actual);
    }

    @Override
    public void release(String key, long reserved) {
      to.release(key, reserved);
    }

    @Override
    public Balance balance(String key) {
      return to.balance(key);
    }

    @Override
    public void evictExpired(Instant now) {
      to.evictExpired(now);
    }
  }
}
