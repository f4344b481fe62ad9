package dev.llmops.core.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Rates: per-million text to per-token decimals, defaults of unset rates, validation, tier overrides. */
class RatesTest {
  private static BigDecimal d(String s) {
    return new BigDecimal(s);
  }

  @Test
  void perMillionPricesBecomeExactPerTokenRates() {
    Rates r = Rates.perMillion("2.50", "10.00");
    assertThat(r.input()).isEqualByComparingTo("0.0000025");
    assertThat(r.output()).isEqualByComparingTo("0.00001");
    assertThat(r.cacheRead()).isNull();
    assertThat(r.cacheWrite()).isNull();
    assertThat(r.reasoning()).isNull();
    assertThatThrownBy(() -> Rates.perMillion(null, "1")).hasMessageContaining("perMillion");
    assertThatThrownBy(() -> Rates.perMillion("cheap", "1")).isInstanceOf(NumberFormatException.class);
  }

  @Test
  void unsetRatesDefaultToTheInputOrOutputRate() {
    Rates r = Rates.perMillion("1", "2");
    assertThat(r.effectiveCacheRead()).isEqualByComparingTo("0.000001");
    assertThat(r.effectiveCacheWrite()).isEqualByComparingTo("0.000001");
    assertThat(r.effectiveReasoning()).isEqualByComparingTo("0.000002");
    Rates set = r.withCacheReadPerMillion("0.1").withCacheWritePerMillion("1.25").withReasoningPerMillion("4");
    assertThat(set.effectiveCacheRead()).isEqualByComparingTo("0.0000001");
    assertThat(set.effectiveCacheWrite()).isEqualByComparingTo("0.00000125");
    assertThat(set.effectiveReasoning()).isEqualByComparingTo("0.000004");
    // Each wither sets its own rate only.
    assertThat(r.withCacheReadPerMillion("0.1")).isEqualTo(new Rates(r.input(), r.output(), d("1E-7"), null, null));
    assertThat(r.withCacheWritePerMillion("3")).isEqualTo(new Rates(r.input(), r.output(), null, d("3E-6"), null));
    assertThat(r.withReasoningPerMillion("5")).isEqualTo(new Rates(r.input(), r.output(), null, null, d("5E-6")));
    assertThat(set.withReasoningPerMillion("6").cacheRead()).isEqualTo(set.cacheRead());
    assertThat(set.withCacheReadPerMillion("6").cacheWrite()).isEqualTo(set.cacheWrite());
    assertThat(set.withCacheWritePerMillion("6").reasoning()).isEqualTo(set.reasoning());
  }

  @Test
  void theHighestRatesOfEachKind() {
    Rates r = new Rates(d("2"), d("5"), d("1"), d("3"), d("4"));
    assertThat(r.maxInput()).isEqualByComparingTo("3");
    assertThat(r.maxOutput()).isEqualByComparingTo("5");
    assertThat(new Rates(d("2"), d("5"), d("6"), d("1"), d("7")).maxInput()).isEqualByComparingTo("6");
    assertThat(new Rates(d("2"), d("5"), d("6"), d("1"), d("7")).maxOutput()).isEqualByComparingTo("7");
    assertThat(new Rates(d("9"), d("5"), null, null, null).maxInput()).isEqualByComparingTo("9");
  }

  @Test
  void negativeOrMissingRatesAreRejectedByName() {
    BigDecimal one = BigDecimal.ONE;
    BigDecimal minus = d("-0.5");
    assertThatThrownBy(() -> new Rates(minus, one, null, null, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("input rate must be >= 0 but was -0.5");
    assertThatThrownBy(() -> new Rates(one, minus, null, null, null)).hasMessageStartingWith("output rate");
    assertThatThrownBy(() -> new Rates(one, one, minus, null, null)).hasMessageStartingWith("cacheRead rate");
    assertThatThrownBy(() -> new Rates(one, one, null, minus, null)).hasMessageStartingWith("cacheWrite rate");
    assertThatThrownBy(() -> new Rates(one, one, null, null, minus)).hasMessageStartingWith("reasoning rate");
    assertThatThrownBy(() -> new Rates(null, one, null, null, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("input");
    assertThatThrownBy(() -> new Rates(one, null, null, null, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("output");
    assertThat(new Rates(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO).input())
        .isZero();
  }

  @Test
  void aTierOverridesOnlyTheRatesItSets() {
    Rates base = new Rates(d("1"), d("2"), d("0.1"), null, d("3"));
    assertThat(base.overriddenBy(new Rates.PartialRates(null, null, null, null, null))).isEqualTo(base);
    assertThat(base.overriddenBy(new Rates.PartialRates(d("5"), null, null, d("7"), null)))
        .isEqualTo(new Rates(d("5"), d("2"), d("0.1"), d("7"), d("3")));
    assertThat(base.overriddenBy(new Rates.PartialRates(null, d("6"), d("0.2"), null, d("8"))))
        .isEqualTo(new Rates(d("1"), d("6"), d("0.2"), null, d("8")));
  }
}
