package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class LongBoxesTest {
  @Property
  void aBoxHoldsItsValueAndIsReusedWhileItKeepsItsSlot(@ForAll @Size(max = 200) List<Long> values) {
    LongBoxes boxes = new LongBoxes();
    for (long v : values) {
      Long first = boxes.of(v);
      assertThat(first).isEqualTo(v);
      assertThat(boxes.of(v)).isSameAs(first);
    }
  }

  @Example
  void aRepeatedSettingIsBoxedOnce() {
    LongBoxes boxes = new LongBoxes();
    Long box = boxes.of(256);
    assertThat(box).isNotSameAs(Long.valueOf(256)); // outside the JDK's own cache
    for (int i = 0; i < 10; i++) {
      assertThat(boxes.of(4096)).isEqualTo(4096L);
      assertThat(boxes.of(256)).isSameAs(box);
    }
  }

  @Example
  void racingThreadsAlwaysGetTheirOwnValue() throws Exception {
    LongBoxes boxes = new LongBoxes();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        results.add(pool.submit(() -> {
          for (long i = 0; i < 200_000; i++) {
            long v = (i * 31 + seed) % 4096; // many values share slots
            if (boxes.of(v) != v) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The duration from a call's start to an end read as nanoseconds is the one the instants give. */
  @Property
  void secondsAreThoseOfDurationBetween(
      @ForAll @LongRange(min = 0, max = 4_000_000_000L) long fromSecond, @ForAll @LongRange(min = 0, max = 999_999_999) long fromNano,
      @ForAll @LongRange(min = -5_000_000_000_000L, max = 5_000_000_000_000_000L) long elapsedNanos) {
    Instant from = Instant.ofEpochSecond(fromSecond, fromNano);
    Instant to = from.plusNanos(elapsedNanos);
    long toNanos = Math.addExact(Math.multiplyExact(to.getEpochSecond(), 1_000_000_000L), to.getNano());
    Duration d = Duration.between(from, to);
    assertThat(OtelInstrumentation.seconds(from, toNanos)).isEqualTo(d.getSeconds() + d.getNano() / 1e9);
  }
}
