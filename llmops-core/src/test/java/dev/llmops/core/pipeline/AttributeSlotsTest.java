package dev.llmops.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.AttributeKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import dev.llmops.core.InThreads;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The table layout over a key range of its own: keys this class numbers first are direct, the rest
 * overflow into pairs, however many keys other tests in the JVM numbered before.
 */
class AttributeSlotsTest {
  private static final int DIRECT = 16;
  /** Every third key is internal; values are {@code key * VALUES + n}, so a value names its key. */
  private static final List<AttributeKey<Integer>> KEYS = keys(DIRECT + 3 * AttributeSlots.PAIRS);
  /** A layout whose puts have used every direct slot, so its tables have them all. */
  private static final AttributeSlots LAYOUT = layout(DIRECT);
  private static final int VALUES = 1_000_000;

  /** A fresh layout over this class's keys, whose puts have used the first {@code used} of them. */
  private static AttributeSlots layout(int used) {
    AttributeSlots layout = new AttributeSlots(KEYS.get(0).index(), DIRECT);
    Object[] scratch = layout.create();
    for (int i = 0; i < used; i++) {
      layout.put(scratch, KEYS.get(i), -1);
    }
    return layout;
  }

  private static List<AttributeKey<Integer>> keys(int n) {
    List<AttributeKey<Integer>> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      AttributeKey<Integer> key = i % 3 == 2
          ? AttributeKey.internal("internal" + i, Integer.class)
          : AttributeKey.of("k" + i, Integer.class);
      key.index(); // numbered now, in list order
      keys.add(key);
    }
    return List.copyOf(keys);
  }

  /** Runs {@code body} on {@code threads} threads released at once, and rethrows what they threw. */
  private static void inThreads(int threads, InThreads.Body body) throws Exception {
    InThreads.run(threads, body);
  }

  /** The fixture mixes both kinds of key: the first DIRECT are direct, every later one overflows. */
  @Test
  void keysNumberedInOrderSplitAtTheRange() {
    int first = KEYS.get(0).index();
    for (int i = 0; i < KEYS.size(); i++) {
      assertThat(KEYS.get(i).index()).isGreaterThanOrEqualTo(first + i);
      assertThat(LAYOUT.isDirect(KEYS.get(i))).isEqualTo(KEYS.get(i).index() < first + DIRECT);
    }
    assertThat(KEYS.stream().filter(LAYOUT::isDirect).count()).isBetween(1L, (long) DIRECT);
    assertThat(KEYS.stream().filter(k -> !LAYOUT.isDirect(k)).count()).isGreaterThanOrEqualTo(3L * AttributeSlots.PAIRS);
    assertThat(AttributeSlots.SHARED.create().length).isBetween(1, AttributeSlots.DIRECT + 1);
    assertThat(LAYOUT.create()).hasSize(DIRECT + 1);
  }

  /**
   * New tables have direct slots for the keys puts have used so far: none at first, then up to the
   * highest such key, never past the range. Keys in range but past a table's slots still work.
   */
  @Test
  void tablesGrowWithTheKeysPutsUse() {
    AttributeSlots layout = layout(0);
    Object[] first = layout.create();
    assertThat(first).hasSize(1);
    layout.put(first, KEYS.get(3), 3);
    layout.put(first, KEYS.get(0), 0);
    assertThat(layout.get(first, KEYS.get(3))).isEqualTo(3);
    assertThat(layout.get(first, KEYS.get(0))).isEqualTo(0);
    assertThat(layout.snapshot(first)).containsOnly(Map.entry(KEYS.get(3), 3), Map.entry(KEYS.get(0), 0));

    Object[] second = layout.create();
    assertThat(second).hasSize(4 + 1);
    layout.put(second, KEYS.get(KEYS.size() - 1), 1);
    layout.put(second, KEYS.get(DIRECT - 1), 2);
    assertThat(layout.create()).as("out-of-range keys do not grow tables").hasSize(DIRECT + 1);
    layout.put(second, KEYS.get(0), 7);
    assertThat(layout.get(second, KEYS.get(0))).isEqualTo(7);
    assertThat(layout.get(second, KEYS.get(DIRECT - 1))).isEqualTo(2);
    assertThat(layout.get(second, KEYS.get(KEYS.size() - 1))).isEqualTo(1);
    assertThat(layout.get(second, KEYS.get(3))).isNull();
    assertThat(layout.get(first, KEYS.get(DIRECT - 1))).as("tables do not share values").isNull();
  }

  record Op(boolean put, int key, int value) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    return Combinators.combine(
            Arbitraries.of(true, false), Arbitraries.integers().between(0, KEYS.size() - 1), Arbitraries.integers().between(0, VALUES - 1))
        .as(Op::new)
        .list()
        .ofMaxSize(80);
  }

  /**
   * Any sequence of puts and gets reads back, and snapshots, like a hash map of the same puts, in a
   * table with all, some or none of the direct slots.
   */
  @Property
  void behavesLikeAMap(@ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 0, max = DIRECT) int used) {
    AttributeSlots layout = used == DIRECT ? LAYOUT : layout(used);
    Object[] table = layout.create();
    assertThat(table).hasSize(used + 1);
    Map<AttributeKey<?>, Object> model = new HashMap<>();
    for (Op op : ops) {
      AttributeKey<Integer> key = KEYS.get(op.key());
      if (op.put()) {
        layout.put(table, key, op.value());
        model.put(key, op.value());
      } else {
        assertThat(layout.get(table, key)).isEqualTo(model.get(key));
      }
    }
    for (AttributeKey<Integer> key : KEYS) {
      assertThat(layout.get(table, key)).isEqualTo(model.get(key));
    }
    model.keySet().removeIf(AttributeKey::isInternal);
    Map<AttributeKey<?>, Object> snapshot = layout.snapshot(table);
    assertThat(snapshot).isEqualTo(model);
    assertThat(snapshot.hashCode()).isEqualTo(model.hashCode());
    assertThat(snapshot.size()).isEqualTo(model.size());
    assertThat(Map.copyOf(snapshot)).isEqualTo(model);
  }

  /**
   * Threads putting and getting at once over direct and overflow keys end like a concurrent map
   * given the same puts, and a get never returns another key's value. Each key has one writer
   * thread, so its final value is that thread's last put; every thread reads every key.
   */
  @Property(tries = 200)
  void concurrentUseMatchesAConcurrentMap(
      @ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 1, max = 4) int threads) throws Exception {
    Object[] table = LAYOUT.create();
    Map<AttributeKey<?>, Object> model = new ConcurrentHashMap<>();
    inThreads(threads, self -> {
        for (Op op : ops) {
          int k = op.put() ? op.key() - op.key() % threads + self : (op.key() + self) % KEYS.size();
          AttributeKey<Integer> key = KEYS.get(Math.min(k, KEYS.size() - 1));
          if (op.put() && k < KEYS.size()) {
            int value = k * VALUES + op.value();
            LAYOUT.put(table, key, value);
            model.put(key, value);
          } else {
            Object seen = LAYOUT.get(table, key);
            if (seen != null) {
              assertThat((Integer) seen / VALUES).as("a get sees only its own key's values").isEqualTo(KEYS.indexOf(key));
            }
          }
        }
    });
    for (AttributeKey<Integer> key : KEYS) {
      assertThat(LAYOUT.get(table, key)).isEqualTo(model.get(key));
    }
    Map<AttributeKey<?>, Object> results = new HashMap<>(model);
    results.keySet().removeIf(AttributeKey::isInternal);
    assertThat(LAYOUT.snapshot(table)).isEqualTo(results);
  }

  /** A put replaces the earlier value, direct or not, and the key appears once in a snapshot. */
  @Test
  void putReplaces() {
    AttributeKey<Integer> direct = KEYS.get(0);
    AttributeKey<Integer> overflow = KEYS.get(KEYS.size() - 1 - (KEYS.size() - 1) % 3);
    assertThat(LAYOUT.isDirect(direct)).isTrue();
    assertThat(LAYOUT.isDirect(overflow)).isFalse();
    assertThat(overflow.isInternal()).isFalse();
    Object[] table = LAYOUT.create();
    for (AttributeKey<Integer> key : List.of(direct, overflow)) {
      assertThat(LAYOUT.get(table, key)).isNull();
      LAYOUT.put(table, key, 1);
      LAYOUT.put(table, key, 2);
      assertThat(LAYOUT.get(table, key)).isEqualTo(2);
    }
    assertThat(LAYOUT.snapshot(table)).containsOnly(Map.entry(direct, 2), Map.entry(overflow, 2));
  }

  /** Internal keys are readable but never in a snapshot; direct keys come first, in index order. */
  @Test
  void snapshotLeavesOutInternalKeysAndListsDirectKeysFirst() {
    Object[] table = LAYOUT.create();
    int last = KEYS.size() - 1; // 51: a result; 50: internal
    List<AttributeKey<Integer>> order = List.of(KEYS.get(last), KEYS.get(4), KEYS.get(2), KEYS.get(last - 1), KEYS.get(0));
    for (AttributeKey<Integer> key : order) {
      LAYOUT.put(table, key, KEYS.indexOf(key));
    }
    assertThat(KEYS.get(2).isInternal()).isTrue();
    assertThat(LAYOUT.get(table, KEYS.get(2))).isEqualTo(2);
    Map<AttributeKey<?>, Object> expected = new LinkedHashMap<>();
    expected.put(KEYS.get(0), 0);
    expected.put(KEYS.get(4), 4);
    expected.put(KEYS.get(last), last);
    assertThat(KEYS.get(last - 1).isInternal()).isTrue();
    assertThat(KEYS.get(last).isInternal()).isFalse();
    assertThat(LAYOUT.snapshot(table)).containsExactlyEntriesOf(expected);

    Object[] onlyInternal = LAYOUT.create();
    LAYOUT.put(onlyInternal, KEYS.get(2), 2);
    LAYOUT.put(onlyInternal, KEYS.get(last - 1), 3);
    assertThat(LAYOUT.snapshot(onlyInternal)).isEmpty();
  }

  /** A snapshot does not change when the table does, and cannot be changed. */
  @Test
  void snapshotIsAnImmutableCopy() {
    for (int first : List.of(0, KEYS.size() - 4)) { // keys 0, 1 and 48, 49 are results
      AttributeKey<Integer> a = KEYS.get(first);
      AttributeKey<Integer> b = KEYS.get(first + 1);
      assertThat(a.isInternal() || b.isInternal()).isFalse();
      Object[] table = LAYOUT.create();
      assertThat(LAYOUT.snapshot(null)).isEmpty();
      assertThat(LAYOUT.snapshot(table)).isEmpty();
      LAYOUT.put(table, a, 1);
      Map<AttributeKey<?>, Object> snapshot = LAYOUT.snapshot(table);
      LAYOUT.put(table, a, 2);
      LAYOUT.put(table, b, 3);
      assertThat(snapshot).containsExactly(Map.entry(a, 1));
      assertThatThrownBy(() -> snapshot.put(b, 4)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> snapshot.remove(a)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> snapshot.entrySet().iterator().next().setValue(5))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(LAYOUT.get(table, a)).isEqualTo(2);
    }
  }

  /** Threads writing their own keys at once, direct and past the first pair array, lose none of them. */
  @Test
  void concurrentWritersLoseNothing() throws Exception {
    int threads = 4;
    int perThread = KEYS.size() / threads;
    for (int round = 0; round < 200; round++) {
      Object[] table = LAYOUT.create();
      inThreads(threads, t -> {
        for (int i = t * perThread; i < (t + 1) * perThread; i++) {
          LAYOUT.put(table, KEYS.get(i), i);
          LAYOUT.put(table, KEYS.get(i), i + 1000);
        }
      });
      int results = 0;
      for (int i = 0; i < threads * perThread; i++) {
        assertThat(LAYOUT.get(table, KEYS.get(i))).isEqualTo(i + 1000);
        results += KEYS.get(i).isInternal() ? 0 : 1;
      }
      assertThat(LAYOUT.snapshot(table)).hasSize(results);
    }
  }

  /** Threads replacing the same keys at once leave each key with one of the threads' last values. */
  @Test
  void racingWritersOfOneKeyLeaveALastValue() throws Exception {
    int threads = 4;
    List<AttributeKey<Integer>> contested = List.of(KEYS.get(0), KEYS.get(KEYS.size() - 1));
    for (int round = 0; round < 200; round++) {
      Object[] table = LAYOUT.create();
      inThreads(threads, self -> {
        for (int n = 0; n <= 10; n++) {
          for (AttributeKey<Integer> key : contested) {
            LAYOUT.put(table, key, self * 100 + n);
          }
        }
      });
      for (AttributeKey<Integer> key : contested) {
        assertThat(LAYOUT.get(table, key)).isIn(10, 110, 210, 310);
      }
    }
  }

  @Test
  void rejectsANegativeRange() {
    assertThatThrownBy(() -> new AttributeSlots(-1, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AttributeSlots(0, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
