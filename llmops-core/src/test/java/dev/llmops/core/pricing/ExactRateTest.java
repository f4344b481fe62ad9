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
  void aRateIsItsDigitsAtItsOwnScale() {
    ExactRate thousand = ExactRate.of(new BigDecimal("1E+3"));
    assertThat(thousand).isNotNull();
    assertThat(thousand.unscaled).isEqualTo(1000);
    assertThat(thousand.scale).isZero();
    ExactRate trailing = Objects.requireNonNull(ExactRate.of(new BigDecimal("2.500")));
    assertThat(trailing.unscaled).isEqualTo(25);
    assertThat(trailing.scale).isEqualTo(1);
    ExactRate finest = Objects.requireNonNull(ExactRate.of(new BigDecimal("0.000000000000000001")));
    assertThat(finest.unscaled).isEqualTo(1);
    assertThat(finest.scale).isEqualTo(18);
    assertThat(ExactRate.of(new BigDecimal("0.0000000000000000001"))).isNull(); // 19 places
    assertThat(ExactRate.of(BigDecimal.valueOf((1L << 62) - 1))).isNotNull();
    assertThat(ExactRate.of(BigDecimal.valueOf(1L << 62))).isNull();
    assertThat(ExactRate.of(BigDecimal.ZERO)).satisfies(z -> assertThat(Objects.requireNonNull(z).unscaled).isZero());
  }

  @Test
  void nanoDollarsAreRoundedUpOnlyWhenAFractionRemains() {
    // 1e-10 dollars a token (scale 10 > 9): 5 tokens are half a nano-dollar, 10 exactly one.
    ModelPrice tenth = ModelPrice.of("m", Rates.perMillion("0.0001", "0"));
    assertThat(tenth.upperBoundNanos(5, 0)).isEqualTo(1);
    assertThat(tenth.upperBoundNanos(10, 0)).isEqualTo(1);
    assertThat(tenth.upperBoundNanos(11, 0)).isEqualTo(2);
    assertThat(tenth.upperBoundNanos(0, 0)).isZero();
    assertThat(tenth.costNanosCeiling(Usage.of(5, 0))).isEqualTo(1);
    assertThat(tenth.costNanosCeiling(Usage.of(10, 0))).isEqualTo(1);
    assertThat(tenth.costNanosCeiling(Usage.of(20, 0))).isEqualTo(2);
    assertThat(tenth.costNanosCeiling(Usage.of(21, 0))).isEqualTo(3);
    // 1e-9 dollars a token (scale 9): whole nano-dollars, nothing to round.
    ModelPrice nano = ModelPrice.of("m", Rates.perMillion("0.001", "0.01"));
    assertThat(nano.upperBoundNanos(3, 2)).isEqualTo(3 + 20);
    assertThat(nano.costNanosCeiling(Usage.of(3, 2))).isEqualTo(3 + 20);
  }

  @Test
  void productsTooLargeForALongAreSettledInDecimals() {
    // 18 places: the rate fits, 100 tokens of it do not (about 1.2e19 units).
    ModelPrice big = ModelPrice.of("m", new Rates(new BigDecimal("0.123456789012345678"), BigDecimal.ZERO, null, null, null));
    assertThat(big.costNanosCeiling(Usage.of(100, 0))).isEqualTo(12_345_678_902L);
    assertThat(big.upperBoundNanos(100, 0)).isEqualTo(12_345_678_902L);
    assertThat(big.cost(Usage.of(100, 0), "v").input()).isEqualTo(Money.usd("12.3456789012345678"));
    // Each product fits, but moving the output to the input's 18 places does not.
    ModelPrice scales = ModelPrice.of("m", new Rates(new BigDecimal("0.000000000000000001"), new BigDecimal("1000"),
        null, null, null));
    assertThat(scales.costNanosCeiling(Usage.of(1, 10))).isEqualTo(10_000_000_000_001L);
    assertThat(scales.upperBoundNanos(1, 10)).isEqualTo(10_000_000_000_001L);
    assertThat(scales.cost(Usage.of(1, 10), "v").total()).isEqualTo(Money.usd("10000.000000000000000001"));
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
