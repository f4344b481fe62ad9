package dev.llmops.core.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Integer cost arithmetic gives exactly the decimal results, and falls back where it cannot. */
class ExactRateTest {

  @Provide
  Arbitrary<String> perMillion() {
    // 0 to 1,000 dollars per million tokens, 0 to 12 decimal places (27 places per token at most).
    return Combinators.combine(
            Arbitraries.bigDecimals().between(BigDecimal.ZERO, BigDecimal.valueOf(1000)).ofScale(12),
            Arbitraries.integers().between(0, 12))
        .as((d, places) -> d.setScale(places, RoundingMode.DOWN).toPlainString());
  }

  @Property(tries = 500)
  void costIsTheDecimalCost(
      @ForAll("perMillion") String in, @ForAll("perMillion") String out, @ForAll("perMillion") String cached,
      @ForAll("perMillion") String written, @ForAll("perMillion") String reasoning,
      @ForAll @LongRange(min = 0, max = 2_000_000) long uncached, @ForAll @LongRange(min = 0, max = 200_000) long cachedTokens,
      @ForAll @LongRange(min = 0, max = 50_000) long writtenTokens, @ForAll @LongRange(min = 0, max = 100_000) long plainOut,
      @ForAll @LongRange(min = 0, max = 100_000) long reasoningTokens) {
    Rates rates = Rates.perMillion(in, out).withCacheReadPerMillion(cached).withCacheWritePerMillion(written)
        .withReasoningPerMillion(reasoning);
    Usage usage = new Usage(uncached + cachedTokens + writtenTokens, plainOut + reasoningTokens, cachedTokens,
        writtenTokens, reasoningTokens, false);
    ModelPrice price = ModelPrice.of("m", rates);
    Cost cost = price.cost(usage, "v");
    Money input = times(rates.input(), usage.uncachedInputTokens());
    Money cacheRead = times(rates.effectiveCacheRead(), cachedTokens);
    Money cacheWrite = times(rates.effectiveCacheWrite(), writtenTokens);
    Money output = times(rates.output(), plainOut);
    Money reasoningCost = times(rates.effectiveReasoning(), reasoningTokens);
    assertThat(cost).isEqualTo(new Cost(input.plus(cacheRead).plus(cacheWrite).plus(output).plus(reasoningCost),
        input, cacheRead, cacheWrite, output, reasoningCost, false, "v", "m"));
    // What budgets settle: the same total in nano-dollars, rounded up, without the decimal.
    assertThat(price.costNanosCeiling(usage)).isEqualTo(Objects.requireNonNull(cost.total()).toNanosCeiling());
  }

  @Property(tries = 500)
  void upperBoundNanosIsTheDecimalBoundRoundedUp(
      @ForAll("perMillion") String in, @ForAll("perMillion") String out,
      @ForAll @LongRange(min = 0, max = 5_000_000) long inTokens, @ForAll @LongRange(min = 0, max = 500_000) long outTokens) {
    ModelPrice price = ModelPrice.of("m", Rates.perMillion(in, out))
        .withThreshold(200_000, Rates.perMillion(out, in));
    assertThat(price.upperBoundNanos(inTokens, outTokens))
        .isEqualTo(price.upperBound(inTokens, outTokens).toNanosCeiling());
  }

  @Test
  void aRateTooFineForALongFallsBackToDecimals() {
    Rates rates = Rates.perMillion("0.0000000000001", "3");
    assertThat(ExactRate.of(rates.input())).isNull();
    Cost cost = ModelPrice.of("m", rates).cost(Usage.of(10, 1), "v");
    assertThat(cost.input()).isEqualTo(Money.usd("0.000000000000000001"));
    assertThat(ModelPrice.of("m", rates).upperBoundNanos(10, 1)).isEqualTo(3_000L + 1);
    // 10 * 1e-19 + 3e-6 dollars: 3,000 nano-dollars and a fraction, rounded up.
    assertThat(ModelPrice.of("m", rates).costNanosCeiling(Usage.of(10, 1))).isEqualTo(3_000L + 1);
  }

  @Test
  void anOverflowingProductFallsBackToDecimals() {
    ModelPrice price = ModelPrice.of("m", Rates.perMillion("123456789.123456789", "1"));
    assertThat(price.cost(new Usage(Long.MAX_VALUE / 2, 0, 0, 0, 0, false), "v").input())
        .isEqualTo(new Money(new BigDecimal("123456789.123456789").movePointLeft(6)
            .multiply(BigDecimal.valueOf(Long.MAX_VALUE / 2))));
  }

  private static Money times(BigDecimal rate, long tokens) {
    return tokens == 0 ? Money.ZERO : new Money(rate.multiply(BigDecimal.valueOf(tokens)));
  }
}
