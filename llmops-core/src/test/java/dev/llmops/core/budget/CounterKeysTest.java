package dev.llmops.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.Money;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The cached counter keys are exactly {@link Budgets#counterKey}, across window changes and time going back. */
class CounterKeysTest {
  private static final List<Budget> BUDGETS = List.of(
      Budget.money(Scope.TENANT, Money.usd("10"), Window.daily(ZoneId.of("Europe/Paris"))).named("paris-day"),
      Budget.money(Scope.SUBJECT, Money.usd("10"), Window.monthly()).named("month"),
      Budget.tokens(Scope.GLOBAL, 1000, Window.every(Duration.ofMinutes(7))).named("seven-minutes"),
      Budget.tokens(Scope.FEATURE, 1000, Window.total()).named("total"));
  private static final List<CallContext> CONTEXTS = List.of(
      CallContext.empty(),
      CallContext.ofTenant("acme").withSubject("ana").withFeature("chat"),
      CallContext.ofTenant("globex").withSubject("(none)"));

  @Property(tries = 200)
  void everyKeyIsTheOneBudgetsWouldBuild(
      @ForAll @Size(min = 1, max = 40) List<@LongRange(min = 0, max = 4_000_000_000_000L) Long> times) {
    CounterKeys keys = new CounterKeys(BUDGETS);
    int n = 0;
    for (long t : times) {
      // Runs of nearby instants (mostly one window), then jumps (forwards and back).
      for (long step : new long[] {0, 1, 59_000, 3_600_000, 86_399_999}) {
        long now = t + step;
        CallContext ctx = CONTEXTS.get(n++ % CONTEXTS.size());
        for (int i = 0; i < BUDGETS.size(); i++) {
          assertThat(keys.key(i, ctx, now))
              .isEqualTo(Budgets.counterKey(BUDGETS.get(i), ctx, Instant.ofEpochMilli(now)));
        }
      }
    }
  }

  @Test
  void aDayInParisEndsAtParisMidnightAcrossTheClockChange() {
    CounterKeys keys = new CounterKeys(BUDGETS);
    CallContext ctx = CallContext.ofTenant("acme");
    long beforeMidnight = Instant.parse("2026-03-29T21:59:59.999Z").toEpochMilli(); // 23:59:59.999 CEST
    String day = keys.key(0, ctx, beforeMidnight);
    assertThat(day).isEqualTo("paris-day|tenant:acme|2026-03-28T23:00:00Z");
    assertThat(keys.key(0, ctx, beforeMidnight + 1)).isEqualTo("paris-day|tenant:acme|2026-03-29T22:00:00Z");
    assertThat(keys.key(0, ctx, beforeMidnight - 1)).isEqualTo(day);
  }
}
