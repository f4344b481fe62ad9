package dev.llmops.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.core.budget.BudgetStore;
import dev.llmops.core.budget.BudgetStore.Balance;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BudgetStore} must do, whatever keeps its counters: one abstract class, one
 * subclass per store (in memory, Redis).
 */
abstract class BudgetStoreContract {

  /** A fresh, empty store (its keys unique to the test). */
  abstract BudgetStore store();

  /** Reads back after asynchronous writes: the Redis store settles without waiting. */
  abstract Balance balanceAfterWrites(BudgetStore store, String key);

  @Test
  void reservesWithinTheLimitAndRefusesBeyondIt() {
    BudgetStore s = store();
    assertThat(s.reserve("b|tenant:a|w", 60, 100)).isTrue();
    assertThat(s.reserve("b|tenant:a|w", 40, 100)).isTrue();
    assertThat(s.reserve("b|tenant:a|w", 1, 100)).isFalse();
    assertThat(s.balance("b|tenant:a|w")).isEqualTo(new Balance(0, 100));
  }

  @Test
  void aRefusalChangesNothing() {
    BudgetStore s = store();
    assertThat(s.reserve("b|tenant:a|w", 30, 100)).isTrue();
    assertThat(s.reserve("b|tenant:a|w", 71, 100)).isFalse();
    assertThat(s.balance("b|tenant:a|w")).isEqualTo(new Balance(0, 30));
  }

  @Test
  void settleTurnsTheReservationIntoSpending() {
    BudgetStore s = store();
    assertThat(s.reserve("b|tenant:a|w", 50, 100)).isTrue();
    s.settle("b|tenant:a|w", 50, 20);
    assertThat(balanceAfterWrites(s, "b|tenant:a|w")).isEqualTo(new Balance(20, 0));
    assertThat(s.reserve("b|tenant:a|w", 80, 100)).isTrue();
    assertThat(s.reserve("b|tenant:a|w", 1, 100)).isFalse();
  }

  @Test
  void releaseGivesTheReservationBack() {
    BudgetStore s = store();
    assertThat(s.reserve("b|tenant:a|w", 100, 100)).isTrue();
    s.release("b|tenant:a|w", 100);
    assertThat(balanceAfterWrites(s, "b|tenant:a|w")).isEqualTo(new Balance(0, 0));
    assertThat(s.reserve("b|tenant:a|w", 100, 100)).isTrue();
  }

  @Test
  void countersAreKeptApart() {
    BudgetStore s = store();
    assertThat(s.reserve("b|tenant:a|w", 100, 100)).isTrue();
    assertThat(s.reserve("b|tenant:b|w", 100, 100)).isTrue();
    assertThat(s.balance("b|tenant:c|w")).isEqualTo(new Balance(0, 0));
  }

  @Test
  void anUnboundedReservationAlwaysFits() {
    BudgetStore s = store();
    assertThat(s.reserve("soft|tenant:a|w", 1_000_000_000_000L, Long.MAX_VALUE)).isTrue();
    assertThat(s.reserve("soft|tenant:a|w", 1_000_000_000_000L, Long.MAX_VALUE)).isTrue();
    assertThat(s.balance("soft|tenant:a|w").committed()).isEqualTo(2_000_000_000_000L);
  }

  @Test
  void aRollingWindowCountsOnlyItsBuckets() {
    BudgetStore s = store();
    String k = "r|tenant:a|rolling";
    assertThat(s.reserveRolling(k, 10, 2, 40, 100)).isTrue(); // window 8..10
    s.settleRolling(k, 10, 2, 40, 30);
    assertThat(s.reserveRolling(k, 11, 2, 70, 100)).isTrue(); // window 9..11 holds 30 + 70
    assertThat(s.reserveRolling(k, 11, 2, 1, 100)).isFalse();
    assertThat(s.reserveRolling(k, 13, 2, 30, 100)).isTrue(); // bucket 10 left at 13: 70 + 30
    assertThat(balanceRolling(s, k, 13, 2)).isEqualTo(new Balance(0, 100));
    s.releaseRolling(k, 11, 2, 70);
    assertThat(s.rollingBalances(k, 13, 2)).containsExactly(new Balance(0, 0), new Balance(0, 0), new Balance(0, 30));
  }

  @Test
  void aSettlementInABucketThatLeftTheWindowChangesNothing() {
    BudgetStore s = store();
    String k = "r|tenant:a|rolling";
    assertThat(s.reserveRolling(k, 5, 1, 10, 100)).isTrue();
    assertThat(s.reserveRolling(k, 7, 1, 10, 100)).isTrue(); // bucket 5 has left (window 6..7)
    s.settleRolling(k, 5, 1, 10, 10);
    assertThat(balanceRolling(s, k, 7, 1)).isEqualTo(new Balance(0, 10));
  }

  @Test
  void concurrentCallersNeverTogetherPassTheLimit() throws Exception {
    BudgetStore s = store();
    String k = "c|tenant:a|w";
    long limit = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Long>> spent = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        spent.add(pool.submit(() -> {
          long mine = 0;
          ThreadLocalRandom r = ThreadLocalRandom.current();
          for (int i = 0; i < 300; i++) {
            long amount = 1L + r.nextInt(40);
            if (s.reserve(k, amount, limit)) {
              assertThat(s.balance(k).committed()).isLessThanOrEqualTo(limit);
              if (r.nextInt(4) == 0) {
                s.release(k, amount);
              } else {
                long actual = r.nextLong(amount + 1);
                s.settle(k, amount, actual);
                mine += actual;
              }
            }
          }
          return mine;
        }));
      }
      long total = 0;
      for (Future<Long> f : spent) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      Balance b = balanceAfterWrites(s, k);
      assertThat(b.reserved()).isZero();
      assertThat(b.spent()).isEqualTo(total).isLessThanOrEqualTo(limit);
    } finally {
      pool.shutdownNow();
    }
  }

  private Balance balanceRolling(BudgetStore s, String key, long bucket, int buckets) {
    return s.balanceRolling(key, bucket, buckets);
  }
}
