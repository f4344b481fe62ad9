package dev.llmops.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.AttributeKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class AttributeSlotsTest {
  private static final List<AttributeKey<Integer>> KEYS = keys(3 * AttributeSlots.PAIRS);

  private static List<AttributeKey<Integer>> keys(int n) {
    List<AttributeKey<Integer>> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(AttributeKey.of("k" + i, Integer.class));
    }
    return List.copyOf(keys);
  }

  record Put(int key, int value) {}

  @Provide
  Arbitrary<List<Put>> puts() {
    return Combinators.combine(Arbitraries.integers().between(0, KEYS.size() - 1), Arbitraries.integers())
        .as(Put::new)
        .list()
        .ofMaxSize(60);
  }

  /** Any sequence of puts reads back, and snapshots, like a hash map of the same puts. */
  @Property
  void behavesLikeAMap(@ForAll("puts") List<Put> puts) {
    Object[] table = AttributeSlots.create();
    Map<AttributeKey<?>, Object> model = new HashMap<>();
    for (Put p : puts) {
      AttributeSlots.put(table, KEYS.get(p.key()), p.value());
      model.put(KEYS.get(p.key()), p.value());
    }
    for (AttributeKey<Integer> key : KEYS) {
      assertThat(AttributeSlots.get(table, key)).isEqualTo(model.get(key));
    }
    Map<AttributeKey<?>, Object> snapshot = AttributeSlots.snapshot(table);
    assertThat(snapshot).isEqualTo(model);
    assertThat(snapshot.hashCode()).isEqualTo(model.hashCode());
    assertThat(snapshot.size()).isEqualTo(model.size());
    assertThat(Map.copyOf(snapshot)).isEqualTo(model);
  }

  /** A snapshot does not change when the table does, and cannot be changed. */
  @Test
  void snapshotIsAnImmutableCopy() {
    Object[] table = AttributeSlots.create();
    assertThat(AttributeSlots.snapshot(null)).isEmpty();
    assertThat(AttributeSlots.snapshot(table)).isEmpty();
    AttributeSlots.put(table, KEYS.get(0), 1);
    Map<AttributeKey<?>, Object> snapshot = AttributeSlots.snapshot(table);
    AttributeSlots.put(table, KEYS.get(0), 2);
    AttributeSlots.put(table, KEYS.get(1), 3);
    assertThat(snapshot).containsExactly(Map.entry(KEYS.get(0), 1));
    assertThatThrownBy(() -> snapshot.put(KEYS.get(2), 4)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> snapshot.remove(KEYS.get(0))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> snapshot.entrySet().iterator().next().setValue(5))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(AttributeSlots.get(table, KEYS.get(0))).isEqualTo(2);
  }

  /** Threads writing their own keys at once, past the first array, lose none of them. */
  @Test
  void concurrentWritersLoseNothing() throws Exception {
    int threads = 4;
    int perThread = KEYS.size() / threads;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 200; round++) {
        Object[] table = AttributeSlots.create();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int first = t * perThread;
          done.add(pool.submit(() -> {
            go.await();
            for (int i = first; i < first + perThread; i++) {
              AttributeSlots.put(table, KEYS.get(i), i);
              AttributeSlots.put(table, KEYS.get(i), i + 1000);
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : done) {
          f.get(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < threads * perThread; i++) {
          assertThat(AttributeSlots.get(table, KEYS.get(i))).isEqualTo(i + 1000);
        }
        assertThat(AttributeSlots.snapshot(table)).hasSize(threads * perThread);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
