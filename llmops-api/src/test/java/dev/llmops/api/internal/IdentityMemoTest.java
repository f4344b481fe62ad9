package dev.llmops.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link IdentityMemo}: answers for the very instance only, bounded, and safe across threads. */
class IdentityMemoTest {

  @Test
  void answersForTheSameInstanceOnlyNeverForAnEqualOne() {
    IdentityMemo<String> memo = IdentityMemo.of(2);
    List<String> key = List.of("a");
    List<String> equal = new ArrayList<>(key);

    assertThat(memo.get(key)).isNull();
    memo.put(key, "facts of a");

    assertThat(memo.get(key)).isEqualTo("facts of a");
    assertThat(memo.get(equal)).isNull();
  }

  @Test
  void theOldestEntryMakesRoom() {
    IdentityMemo<String> memo = IdentityMemo.of(2);
    Object a = new Object();
    Object b = new Object();
    Object c = new Object();
    memo.put(a, "a");
    memo.put(b, "b");
    assertThat(memo.get(a)).isEqualTo("a"); // a hit: the next miss is remembered at once
    memo.put(c, "c");

    assertThat(memo.get(a)).isNull();
    assertThat(memo.get(b)).isEqualTo("b");
    assertThat(memo.get(c)).isEqualTo("c");
  }

  @Test
  void keysThatChangeOnEveryCallAreRememberedOnlyNowAndThen() {
    IdentityMemo<Integer> memo = IdentityMemo.of(1);
    List<Object> keys = new ArrayList<>();
    for (int i = 1; i <= 64; i++) {
      Object key = new Object();
      keys.add(key);
      memo.put(key, i);
    }
    int remembered = 0;
    for (int i = 0; i < keys.size(); i++) {
      if (memo.get(keys.get(i)) != null) {
        remembered++;
        assertThat(memo.get(keys.get(i))).isEqualTo(i + 1);
      }
    }
    // Misses 1, 2, 32 and 64 were remembered; the last of them is what the single slot holds.
    assertThat(remembered).isEqualTo(1);
    assertThat(memo.get(keys.get(63))).isEqualTo(64);
    assertThat(memo.get(keys.get(62))).isNull();
    // After that hit, a new key is remembered at once again.
    Object shared = new Object();
    memo.put(shared, 0);
    assertThat(memo.get(shared)).isEqualTo(0);
  }

  @Test
  void sizeIsChecked() {
    assertThatThrownBy(() -> IdentityMemo.of(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IdentityMemo.of(17)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 20)
  void concurrentUseNeverAnswersWithAnotherKeysValue(
      @ForAll @IntRange(min = 1, max = 4) int size, @ForAll @IntRange(min = 2, max = 12) int keyCount)
      throws Exception {
    IdentityMemo<Integer> memo = IdentityMemo.of(size);
    List<Object> keys = new ArrayList<>();
    for (int i = 0; i < keyCount; i++) {
      keys.add(new Object());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        results.add(pool.submit(() -> {
          int hits = 0;
          for (int i = 0; i < 20_000; i++) {
            int k = (i * 7 + seed * 3) % keyCount;
            Integer v = memo.get(keys.get(k));
            if (v == null) {
              memo.put(keys.get(k), k);
            } else if (v != k) {
              throw new AssertionError("key " + k + " answered " + v);
            } else {
              hits++;
            }
          }
          return hits;
        }));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isNotNegative();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
