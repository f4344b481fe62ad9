package dev.llmops.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.sink.internal.Hand;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Rolling (sliding) budget windows: bucket expiry, reservations across buckets, reset times. */
class RollingBudgetTest {
  private static final Window FOUR_HOURS = Window.rolling(Duration.ofHours(4), 4);
  private static final CallContext ACME = CallContext.ofTenant("acme");

  private final Hand clock = new Hand();
  private final InMemoryBudgetStore store = InMemoryBudgetStore.create();

  private long bucket() {
    return FOUR_HOURS.bucket(clock.millis());
  }

  @Test
  void spendExpiresBucketByBucketAsTheClockAdvances() {
    Budget budget = Budget.tokens(Scope.TENANT, 1_000, FOUR_HOURS);
    Budgets budgets = Budgets.builder().store(store).budget(budget).build();
    String key = Budgets.counterKey(budget, ACME, clock.instant());
    long[] amounts = {10, 20, 30, 40};
    for (long amount : amounts) {
      assertThat(store.reserveRolling(key, bucket(), 4, amount, budget.limit())).isTrue();
      store.settleRolling(key, bucket(), 4, amount, amount);
      clock.advance(Duration.ofHours(1));
    }
    // 04:00: every amount was reserved within the last 4 hours, all are counted.
    assertThat(budgets.balance(budget, ACME, clock.instant())).isEqualTo(new BudgetStore.Balance(100, 0));
    long expected = 100;
    for (long amount : amounts) {
      clock.advance(Duration.ofHours(1));
      expected -= amount; // the oldest bucket left the window
      assertThat(budgets.balance(budget, ACME, clock.instant()).spent()).isEqualTo(expected);
    }
    // 08:59: nothing is left, and nothing comes back.
    clock.advance(Duration.ofMinutes(59));
    assertThat(budgets.balance(budget, ACME, clock.instant()).spent()).isZero();
  }

  @Test
  void aReservationIsSettledInItsOwnBucketAndNeverLeaks() {
    String key = "k";
    long reservedIn = bucket();
    assertThat(store.reserveRolling(key, reservedIn, 4, 100, 150)).isTrue();
    clock.advance(Duration.ofHours(2));
    // The window is full of the old reservation; a new one does not fit.
    assertThat(store.reserveRolling(key, bucket(), 4, 60, 150)).isFalse();
    assertThat(store.reserveRolling(key, bucket(), 4, 50, 150)).isTrue();
    store.settleRolling(key, reservedIn, 4, 100, 30);
    BudgetStore.Balance[] buckets = store.rollingBalances(key, bucket(), 4);
    assertThat(buckets[2]).isEqualTo(new BudgetStore.Balance(30, 0)); // 00:00 is index 2 at 02:00
    assertThat(buckets[4]).isEqualTo(new BudgetStore.Balance(0, 50));
    assertThat(store.totalReserved()).isEqualTo(50);
    clock.advance(Duration.ofHours(10)); // releasing late still frees the reservation
    store.releaseRolling(key, reservedIn + 2, 4, 50);
    assertThat(store.balanceRolling(key, bucket(), 4)).isEqualTo(new BudgetStore.Balance(0, 0));
    assertThat(store.totalReserved()).isZero();
  }

  @Test
  void aRejectedCallIsToldWhenEnoughOldSpendHasLeftToAdmitIt() {
    ScriptedModel model = new ScriptedModel("openai", "gpt-4o");
    Budget tokens = Budget.tokens(Scope.TENANT, 200, FOUR_HOURS);
    ChatRequest request = ChatRequest.builder().user("hi there").maxOutputTokens(40).build();
    try (LlmClient c = LlmClient.builder().model("smart", model).clock(clock).scheduler(clock)
        .accounting(Accounting.builder().ledger(InMemoryLedger.create()).build())
        .budgets(Budgets.builder().store(store).budget(tokens).build()).build()) {
      c.chat(request, ACME); // 00:00 bucket
      clock.advance(Duration.ofMinutes(90)); // 01:30, bucket 01:00
      BudgetExceededException rejected = fillUntilRejected(c, request);
      Instant resetAt = rejected.resetAt();
      assertThat(resetAt).isNotNull();
      // A bucket boundary at which the 00:00 bucket (05:00) or also the 01:00 bucket (06:00) has left.
      assertThat(resetAt).isIn(Instant.parse("2026-01-01T05:00:00Z"), Instant.parse("2026-01-01T06:00:00Z"));
      clock.advance(Duration.between(clock.instant(), resetAt).minusMillis(1));
      assertThatThrownBy(() -> c.chat(request, ACME)).isInstanceOf(BudgetExceededException.class);
      clock.advance(Duration.ofMillis(1));
      assertThat(c.chat(request, ACME).text()).isNotEmpty();
    }
    assertThat(store.totalReserved()).isZero();
  }

  @Test
  void aReservationLargerThanTheLimitIsToldWhenAllCurrentSpendHasLeft() {
    ScriptedModel model = new ScriptedModel("openai", "gpt-4o");
    Budget tokens = Budget.tokens(Scope.TENANT, 100, FOUR_HOURS);
    try (LlmClient c = LlmClient.builder().model("smart", model).clock(clock).scheduler(clock)
        .accounting(Accounting.builder().ledger(InMemoryLedger.create()).build())
        .budgets(Budgets.builder().store(store).budget(tokens).build()).build()) {
      c.chat(ChatRequest.builder().user("hi").maxOutputTokens(20).build(), ACME);
      clock.advance(Duration.ofMinutes(30));
      ChatRequest huge = ChatRequest.builder().user("hi").maxOutputTokens(500).build();
      BudgetExceededException e = org.junit.jupiter.api.Assertions.assertThrows(
          BudgetExceededException.class, () -> c.chat(huge, ACME));
      assertThat(e.resetAt()).isEqualTo(Instant.parse("2026-01-01T05:00:00Z"));
      assertThat(e.limit()).isEqualTo("100 tokens per rolling PT4H/4");
    }
  }

  @Test
  void rollingWindowsAreValidatedAndDescribed() {
    Window day = Window.rolling(Duration.ofHours(24), 24);
    assertThat(day.isRolling()).isTrue();
    assertThat(day.granularity()).isEqualTo(Duration.ofHours(1));
    assertThat(day.end(Instant.EPOCH)).isNull();
    assertThat(day.start(Instant.parse("2026-01-02T10:30:00Z"))).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
    assertThat(Window.daily().isRolling()).isFalse();
    assertThatThrownBy(() -> Window.rolling(Duration.ofMillis(10), 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 buckets");
    assertThatThrownBy(() -> Window.rolling(Duration.ofHours(1), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buckets");
    assertThatThrownBy(() -> new BudgetStore() {
      @Override
      public boolean reserve(String key, long amount, long limit) {
        return true;
      }

      @Override
      public void settle(String key, long reserved, long actual) {}

      @Override
      public void release(String key, long reserved) {}

      @Override
      public Balance balance(String key) {
        return new Balance(0, 0);
      }
    }.reserveRolling("k", 0, 4, 1, 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  private static BudgetExceededException fillUntilRejected(LlmClient c, ChatRequest request) {
    for (int i = 0; i < 50; i++) {
      try {
        c.chat(request, ACME);
      } catch (BudgetExceededException e) {
        return e;
      }
    }
    throw new AssertionError("never rejected");
  }
}
