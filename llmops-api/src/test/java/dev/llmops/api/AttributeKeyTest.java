package dev.llmops.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A key's index: assigned on first use, in that order, stable, and never shared. */
class AttributeKeyTest {

  @Test
  void keysAreNumberedInTheOrderTheyAreFirstAskedAndKeepTheirNumber() {
    AttributeKey<String> made1st = AttributeKey.of("test.first", String.class);
    AttributeKey<String> made2nd = AttributeKey.internal("test.second", String.class);
    int second = made2nd.index();
    int first = made1st.index();
    assertThat(first).as("numbered when first asked, not when made").isGreaterThan(second);
    assertThat(made1st.index()).isEqualTo(first);
    assertThat(made2nd.index()).isEqualTo(second);
    assertThat(made2nd.isInternal()).isTrue();
    assertThat(made2nd).hasToString("test.second");
  }

  /** Threads asking many fresh keys for their index at once agree on each key's, and share none. */
  @Test
  void concurrentFirstUseGivesEachKeyOneDistinctIndex() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 50; round++) {
        List<AttributeKey<Integer>> keys = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          keys.add(AttributeKey.of("test.race." + i, Integer.class));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<int[]>> seen = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int offset = t;
          seen.add(pool.submit(() -> {
            go.await();
            int[] indexes = new int[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
              int k = (i + offset * 16) % keys.size();
              indexes[k] = keys.get(k).index();
            }
            return indexes;
          }));
        }
        go.countDown();
        int[] agreed = seen.get(0).get(10, TimeUnit.SECONDS);
        for (Future<int[]> f : seen) {
          assertThat(f.get(10, TimeUnit.SECONDS)).containsExactly(agreed);
        }
        Set<Integer> distinct = new HashSet<>();
        for (int index : agreed) {
          assertThat(index).isNotNegative();
          distinct.add(index);
        }
        assertThat(distinct).hasSize(keys.size());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
