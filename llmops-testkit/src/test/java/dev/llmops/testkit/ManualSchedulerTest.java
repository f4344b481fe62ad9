package dev.llmops.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.Cancellable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {

  @Test
  void tasksRunInDueOrderWithTheClockAtTheirDueTime() {
    TestClock clock = TestClock.create();
    ManualScheduler s = ManualScheduler.on(clock);
    List<String> ran = new ArrayList<>();
    s.schedule(() -> ran.add("b@" + clock.instant()), Duration.ofSeconds(2));
    s.schedule(() -> ran.add("a@" + clock.instant()), Duration.ofSeconds(1));
    s.schedule(() -> ran.add("c@" + clock.instant()), Duration.ofSeconds(2));
    clock.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("a@2026-01-01T00:00:01Z");
    clock.advance(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("a@2026-01-01T00:00:01Z", "b@2026-01-01T00:00:02Z", "c@2026-01-01T00:00:02Z");
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:06Z"));
  }

  @Test
  void tasksScheduledByTasksRunInTheSameAdvanceWhenDue() {
    TestClock clock = TestClock.create();
    ManualScheduler s = ManualScheduler.on(clock);
    List<Instant> ran = new ArrayList<>();
    s.schedule(() -> {
      ran.add(clock.instant());
      s.schedule(() -> ran.add(clock.instant()), Duration.ofMillis(500));
    }, Duration.ofMillis(500));
    clock.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly(TestClock.DEFAULT_START.plusMillis(500), TestClock.DEFAULT_START.plusMillis(1000));
    assertThat(s.pending()).isZero();
  }

  @Test
  void cancelledTasksNeverRun() {
    TestClock clock = TestClock.create();
    ManualScheduler s = ManualScheduler.on(clock);
    List<String> ran = new ArrayList<>();
    Cancellable c = s.schedule(() -> ran.add("x"), Duration.ofSeconds(1));
    assertThat(s.pendingDueTimes()).containsExactly(TestClock.DEFAULT_START.plusSeconds(1));
    assertThat(c.cancel()).isTrue();
    assertThat(c.cancel()).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
  }

  @Test
  void zeroDelayTasksRunOnRunDueNotInline() {
    TestClock clock = TestClock.create();
    ManualScheduler s = ManualScheduler.on(clock);
    List<String> ran = new ArrayList<>();
    s.schedule(() -> ran.add("now"), Duration.ZERO);
    assertThat(ran).isEmpty();
    clock.runDue();
    assertThat(ran).containsExactly("now");
  }
}
