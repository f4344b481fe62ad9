package dev.llmops.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link InMemoryBudgetStore}: the checks of each operation, and counters expiring. */
class InMemoryBudgetStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant END = Instant.parse("2026-01-02T00:00:00Z");

  private final InMemoryBudgetStore store = InMemoryBudgetStore.create();

  @Test
  void aReservationFitsUpToTheLimitExactlyAndNotOneMore() {
    assertThat(store.reserve("k", 60, 100)).isTrue();
    assertThat(store.reserve("k", 41, 100)).isFalse();
    assertThat(store.balance("k")).isEqualTo(new BudgetStore.Balance(0, 60));
    assertThat(store.reserve("k", 40, 100)).isTrue();
    assertThat(store.reserve("k", 0, 100)).isTrue();
    assertThat(store.reserve("k", 1, 100)).isFalse();
    assertThat(store.balance("k")).isEqualTo(new BudgetStore.Balance(0, 100));
  }

  @Test
  void settlingTurnsTheReservationIntoTheActualSpend() {
    store.reserve("k", 50, 100);
    store.settle("k", 50, 20);
    assertThat(store.balance("k")).isEqualTo(new BudgetStore.Balance(20, 0));
    store.reserve("k", 30, 100);
    store.settle("k", 30, 45); // more than reserved: all of it is spent
    assertThat(store.balance("k")).isEqualTo(new BudgetStore.Balance(65, 0));
    assertThat(store.reserve("k", 36, 100)).isFalse();
    assertThat(store.reserve("k", 35, 100)).isTrue();
    store.release("k", 35);
    assertThat(store.balance("k")).isEqualTo(new BudgetStore.Balance(65, 0));
    assertThat(store.totalReserved()).isZero();
    assertThat(store.balances()).containsOnlyKeys("k");
  }

  @Test
  void negativeAmountsAreRefusedNamingTheParameter() {
    assertThatThrownBy(() -> store.reserve("k", -1, 100)).hasMessageContaining("amount");
    assertThatThrownBy(() -> store.settle("k", -1, 0)).hasMessageContaining("reserved");
    assertThatThrownBy(() -> store.settle("k", 0, -1)).hasMessageContaining("actual");
    assertThatThrownBy(() -> store.release("k", -1)).hasMessageContaining("reserved");
    assertThatThrownBy(() -> store.reserveRolling("k", 0, 4, -1, 100)).hasMessageContaining("amount");
    assertThatThrownBy(() -> store.reserveRolling("k", 0, 0, 1, 100)).hasMessageContaining("buckets");
    assertThatThrownBy(() -> store.settleRolling("k", 0, 4, -1, 0)).hasMessageContaining("reserved");
    assertThatThrownBy(() -> store.settleRolling("k", 0, 4, 0, -1)).hasMessageContaining("actual");
    assertThatThrownBy(() -> store.releaseRolling("k", 0, 4, -1)).hasMessageContaining("reserved");
    assertThat(store.size()).isZero();
  }

  @Test
  void aCounterIsKeptUntilItsWindowEndsThenForgotten() {
    assertThat(store.reserve("day", 10, 100, END)).isTrue();
    store.settle("day", 10, 7);
    assertThat(store.reserve("forever", 10, 100)).isTrue();
    store.evictExpired(END.minusMillis(1));
    assertThat(store.size()).isEqualTo(2);
    assertThat(store.balance("day")).isEqualTo(new BudgetStore.Balance(7, 0));
    store.evictExpired(END);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.balance("day")).isEqualTo(new BudgetStore.Balance(0, 0));
    assertThat(store.balance("forever")).isEqualTo(new BudgetStore.Balance(0, 10));
    // Settling or releasing late does nothing and brings nothing back.
    store.settle("day", 3, 3);
    store.release("day", 3);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.balances()).containsOnlyKeys("forever");
    // A reservation on the key starts a fresh counter.
    assertThat(store.reserve("day", 100, 100, END.plusSeconds(86_400))).isTrue();
    assertThat(store.balance("day")).isEqualTo(new BudgetStore.Balance(0, 100));
  }

  @Test
  void aReservationInFlightWhenItsCounterIsForgottenIsNotCountedAnywhere() {
    store.reserve("day", 10, 100, END);
    store.evictExpired(END.plusSeconds(1));
    store.settle("day", 10, 10);
    assertThat(store.totalReserved()).isZero();
    assertThat(store.size()).isZero();
  }

  @Test
  void aRollingCounterIsKeptWhileItsNewestReservationIsInTheWindow() {
    Instant first = T0.plusSeconds(3_600);
    Instant second = T0.plusSeconds(7_200);
    assertThat(store.reserveRolling("r", 0, 4, 10, 100, first)).isTrue();
    assertThat(store.reserveRolling("r", 1, 4, 10, 100, second)).isTrue();
    assertThat(store.reserveRolling("r", 1, 4, 10, 100, first)).as("an earlier expiry never shortens").isTrue();
    store.evictExpired(first);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.balanceRolling("r", 1, 4)).isEqualTo(new BudgetStore.Balance(0, 30));
    store.evictExpired(second.minusMillis(1));
    assertThat(store.size()).isEqualTo(1);
    store.evictExpired(second);
    assertThat(store.size()).isZero();
    assertThat(store.balanceRolling("r", 1, 4)).isEqualTo(new BudgetStore.Balance(0, 0));
    store.settleRolling("r", 1, 4, 10, 5);
    store.releaseRolling("r", 1, 4, 10);
    assertThat(store.size()).isZero();
    assertThat(store.reserveRolling("r", 9, 4, 100, 100, second.plusSeconds(9_000))).isTrue();
    assertThat(store.balanceRolling("r", 9, 4)).isEqualTo(new BudgetStore.Balance(0, 100));
  }

  @Test
  void evictionSkipsTheScanUntilTheEarliestExpiryAndFindsLaterOnes() {
    store.reserve("a", 1, 10, END);
    store.reserve("b", 1, 10, END.plusSeconds(10));
    store.evictExpired(END.minusMillis(1));
    assertThat(store.size()).isEqualTo(2);
    store.evictExpired(END);
    assertThat(store.size()).isEqualTo(1);
    store.evictExpired(END.plusSeconds(9));
    assertThat(store.size()).isEqualTo(1);
    store.evictExpired(END.plusSeconds(10));
    assertThat(store.size()).isZero();
  }

  @Test
  void aRollingCounterHasOneBucketCount() {
    store.reserveRolling("r", 0, 4, 1, 100);
    assertThatThrownBy(() -> store.reserveRolling("r", 0, 5, 1, 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 4 buckets, not 5");
  }

  @Test
  void clearForgetsEverything() {
    store.reserve("a", 1, 10);
    store.reserveRolling("r", 0, 4, 1, 100);
    assertThat(store.totalReserved()).isEqualTo(2);
    store.clear();
    assertThat(store.size()).isZero();
    assertThat(store.totalReserved()).isZero();
  }
}
