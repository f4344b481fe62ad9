package dev.llmops.core.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which rates bill a request, the upper bound budgets reserve, and a price's value semantics. */
class ModelPriceTest {
  private static final Rates BASE = Rates.perMillion("1", "2");
  private static final Rates ABOVE_100 = Rates.perMillion("3", "4");
  private static final Rates ABOVE_200 = Rates.perMillion("5", "6");

  private static ModelPrice thresholds(boolean inclusive) {
    // Given out of order: the price sorts them.
    return new ModelPrice("m", "p", BASE, List.of(new ModelPrice.Threshold(200, ABOVE_200),
        new ModelPrice.Threshold(100, ABOVE_100)), List.of(), inclusive, 0, 0);
  }

  private static ModelPrice tiers() {
    return new ModelPrice("t", "p", BASE, List.of(), List.of(
        new ModelPrice.Tier(1_000, 10_000, ABOVE_200), new ModelPrice.Tier(0, 1_000, ABOVE_100)), false, 0, 0);
  }

  @Test
  void theLargestThresholdStrictlyExceededBillsTheWholeRequest() {
    ModelPrice price = thresholds(false);
    assertThat(price.thresholds()).extracting(ModelPrice.Threshold::aboveTokens).containsExactly(100L, 200L);
    assertThat(price.ratesFor(0)).isEqualTo(BASE);
    assertThat(price.ratesFor(100)).isEqualTo(BASE);
    assertThat(price.ratesFor(101)).isEqualTo(ABOVE_100);
    assertThat(price.ratesFor(200)).isEqualTo(ABOVE_100);
    assertThat(price.ratesFor(201)).isEqualTo(ABOVE_200);
    // The cost uses the same rates: 201 input tokens at 5, 10 output at 6 per million.
    assertThat(price.cost(Usage.of(201, 10), "v").total()).isEqualTo(Money.usd("0.001065"));
    assertThat(price.cost(Usage.of(101, 10), "v").total()).isEqualTo(Money.usd("0.000343"));
    assertThat(price.cost(Usage.of(100, 10), "v").total()).isEqualTo(Money.usd("0.00012"));
    assertThat(price.costNanosCeiling(Usage.of(201, 10))).isEqualTo(1_065_000);
    assertThat(price.costNanosCeiling(Usage.of(101, 10))).isEqualTo(343_000);
  }

  @Test
  void anInclusiveThresholdAppliesAtExactlyItsCount() {
    ModelPrice price = thresholds(true);
    assertThat(price.ratesFor(99)).isEqualTo(BASE);
    assertThat(price.ratesFor(100)).isEqualTo(ABOVE_100);
    assertThat(price.ratesFor(200)).isEqualTo(ABOVE_200);
    assertThat(price.thresholdInclusive()).isTrue();
  }

  @Test
  void theTierHoldingThePromptBillsTheWholeRequest() {
    ModelPrice price = tiers();
    assertThat(price.tiers()).extracting(ModelPrice.Tier::minTokens).containsExactly(0L, 1_000L);
    assertThat(price.ratesFor(0)).isEqualTo(ABOVE_100);
    assertThat(price.ratesFor(999)).isEqualTo(ABOVE_100);
    assertThat(price.ratesFor(1_000)).isEqualTo(ABOVE_200);
    assertThat(price.ratesFor(50_000)).isEqualTo(ABOVE_200); // past the last tier: still the last
    assertThat(price.cost(Usage.of(1_000, 0), "v").total()).isEqualTo(Money.usd("0.005"));
    assertThat(price.cost(Usage.of(999, 0), "v").total()).isEqualTo(Money.usd("0.002997"));
    assertThat(price.costNanosCeiling(Usage.of(1_000, 0))).isEqualTo(5_000_000);
  }

  @Test
  void aPromptBelowTheFirstTierIsBilledAtTheFirstTier() {
    ModelPrice price = new ModelPrice("t", "p", BASE, List.of(),
        List.of(new ModelPrice.Tier(10, 20, ABOVE_100), new ModelPrice.Tier(20, 30, ABOVE_200)), false, 0, 0);
    assertThat(price.ratesFor(5)).isEqualTo(ABOVE_100);
    assertThat(price.ratesFor(25)).isEqualTo(ABOVE_200);
  }

  @Test
  void tiersOverrideThresholds() {
    ModelPrice price = new ModelPrice("t", "p", BASE, List.of(new ModelPrice.Threshold(10, ABOVE_200)),
        List.of(new ModelPrice.Tier(0, 100, ABOVE_100)), false, 0, 0);
    assertThat(price.ratesFor(50)).isEqualTo(ABOVE_100);
  }

  @Test
  void theUpperBoundTakesTheHighestRateOfEachKindAcrossAllRates() {
    // Base: cache writes and reasoning cost more than plain input and output.
    Rates base = Rates.perMillion("1", "2").withCacheWritePerMillion("7").withReasoningPerMillion("9");
    ModelPrice flat = ModelPrice.of("m", base);
    assertThat(flat.upperBound(1_000_000, 1_000_000)).isEqualTo(Money.usd("16"));
    assertThat(flat.upperBoundNanos(1_000_000, 1_000_000)).isEqualTo(16_000_000_000L);
    Rates cacheRead = Rates.perMillion("1", "2").withCacheReadPerMillion("8");
    assertThat(ModelPrice.of("m", cacheRead).upperBound(1_000_000, 0)).isEqualTo(Money.usd("8"));
    // A threshold's and a tier's higher rates raise the bound.
    ModelPrice threshold = flat.withThreshold(100, Rates.perMillion("11", "3"));
    assertThat(threshold.upperBound(1_000_000, 1_000_000)).isEqualTo(Money.usd("20"));
    assertThat(threshold.upperBoundNanos(1_000_000, 1_000_000)).isEqualTo(20_000_000_000L);
    ModelPrice tiered = new ModelPrice("t", "p", base, List.of(),
        List.of(new ModelPrice.Tier(0, 10, Rates.perMillion("1", "2")), new ModelPrice.Tier(10, 20, Rates.perMillion("4", "30"))),
        false, 0, 0);
    assertThat(tiered.upperBound(1_000_000, 1_000_000)).isEqualTo(Money.usd("37"));
    assertThat(tiered.upperBoundNanos(1_000_000, 1_000_000)).isEqualTo(37_000_000_000L);
    assertThat(tiered.upperBound(0, 0)).isEqualTo(Money.ZERO);
  }

  @Test
  void withersKeepEverythingElse() {
    ModelPrice price = new ModelPrice("m", "p", BASE, List.of(), List.of(), true, 100, 10);
    ModelPrice more = price.withMaxOutputTokens(20);
    assertThat(more.maxOutputTokens()).isEqualTo(20);
    assertThat(more).isEqualTo(new ModelPrice("m", "p", BASE, List.of(), List.of(), true, 100, 20));
    ModelPrice threshold = more.withThreshold(5, ABOVE_100).withThreshold(1, ABOVE_200);
    assertThat(threshold).isEqualTo(new ModelPrice("m", "p", BASE,
        List.of(new ModelPrice.Threshold(1, ABOVE_200), new ModelPrice.Threshold(5, ABOVE_100)), List.of(), true, 100, 20));
    assertThat(more.thresholds()).isEmpty(); // unchanged
  }

  @Test
  void componentsAreCheckedAndCopied() {
    assertThatThrownBy(() -> new ModelPrice("m", "p", BASE, List.of(), List.of(), false, -1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'m'");
    assertThatThrownBy(() -> new ModelPrice("m", "p", BASE, List.of(), List.of(), false, 0, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'m'");
    assertThatThrownBy(() -> ModelPrice.of(null, BASE)).hasMessageContaining("key");
    assertThatThrownBy(() -> new ModelPrice("m", null, BASE, List.of(), List.of(), false, 0, 0))
        .hasMessageContaining("provider");
    assertThatThrownBy(() -> ModelPrice.of("m", null)).hasMessageContaining("rates");
    java.util.ArrayList<ModelPrice.Threshold> list = new java.util.ArrayList<>();
    ModelPrice price = new ModelPrice("m", "p", BASE, list, List.of(), false, 0, 0);
    list.add(new ModelPrice.Threshold(1, ABOVE_100));
    assertThat(price.thresholds()).isEmpty();
    assertThatThrownBy(() -> price.tiers().add(new ModelPrice.Tier(0, 1, BASE)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new ModelPrice.Threshold(-1, BASE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new ModelPrice.Tier(-1, 5, BASE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ModelPrice.Tier(5, 4, BASE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[5, 4)");
    assertThat(new ModelPrice.Tier(5, 5, BASE).maxTokens()).isEqualTo(5);
    assertThat(new ModelPrice.Threshold(0, BASE).aboveTokens()).isZero();
  }

  @Test
  void equalPricesAreEqualAndAnyComponentMakesThemDiffer() {
    ModelPrice a = new ModelPrice("m", "p", BASE, List.of(new ModelPrice.Threshold(1, ABOVE_100)),
        List.of(new ModelPrice.Tier(0, 1, ABOVE_200)), false, 10, 20);
    ModelPrice same = new ModelPrice("m", "p", Rates.perMillion("1", "2"), List.of(new ModelPrice.Threshold(1, ABOVE_100)),
        List.of(new ModelPrice.Tier(0, 1, ABOVE_200)), false, 10, 20);
    assertThat(a.equals(a)).isTrue();
    assertThat(a).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(null).isNotEqualTo("m");
    List<ModelPrice> others = List.of(
        new ModelPrice("x", "p", BASE, a.thresholds(), a.tiers(), false, 10, 20),
        new ModelPrice("m", "x", BASE, a.thresholds(), a.tiers(), false, 10, 20),
        new ModelPrice("m", "p", ABOVE_100, a.thresholds(), a.tiers(), false, 10, 20),
        new ModelPrice("m", "p", BASE, List.of(), a.tiers(), false, 10, 20),
        new ModelPrice("m", "p", BASE, a.thresholds(), List.of(), false, 10, 20),
        new ModelPrice("m", "p", BASE, a.thresholds(), a.tiers(), true, 10, 20),
        new ModelPrice("m", "p", BASE, a.thresholds(), a.tiers(), false, 11, 20),
        new ModelPrice("m", "p", BASE, a.thresholds(), a.tiers(), false, 10, 21));
    for (ModelPrice other : others) {
      assertThat(a).isNotEqualTo(other);
      assertThat(other).isNotEqualTo(a);
      assertThat(a.hashCode()).as("%s", other).isNotEqualTo(other.hashCode());
    }
    assertThat(a.toString()).isEqualTo("ModelPrice[key=m, provider=p, rates=" + BASE + ", thresholds=" + a.thresholds()
        + ", tiers=" + a.tiers() + ", thresholdInclusive=false, maxInputTokens=10, maxOutputTokens=20]");
    assertThat(a.key()).isEqualTo("m");
    assertThat(a.provider()).isEqualTo("p");
    assertThat(a.rates()).isEqualTo(BASE);
    assertThat(a.maxInputTokens()).isEqualTo(10);
  }

  @Test
  void eachTokenIsPricedOnceAtItsOwnRate() {
    Rates rates = Rates.perMillion("1", "2").withCacheReadPerMillion("0.5").withCacheWritePerMillion("1.25")
        .withReasoningPerMillion("3");
    // 1,000 input of which 200 cached and 100 written; 500 output of which 300 reasoning.
    Cost cost = ModelPrice.of("m", rates).cost(new Usage(1_000, 500, 200, 100, 300, true), "v1");
    assertThat(cost.input()).isEqualTo(Money.usd("0.0007"));
    assertThat(cost.cacheRead()).isEqualTo(Money.usd("0.0001"));
    assertThat(cost.cacheWrite()).isEqualTo(Money.usd("0.000125"));
    assertThat(cost.output()).isEqualTo(Money.usd("0.0004"));
    assertThat(cost.reasoning()).isEqualTo(Money.usd("0.0009"));
    assertThat(cost.total()).isEqualTo(Money.usd("0.002225"));
    assertThat(cost.estimated()).isTrue();
    assertThat(cost.catalogVersion()).isEqualTo("v1");
    assertThat(cost.pricedAs()).isEqualTo("m");
    assertThat(ModelPrice.of("m", rates).costNanosCeiling(new Usage(1_000, 500, 200, 100, 300, true))).isEqualTo(2_225_000);
    assertThat(ModelPrice.of("m", rates).cost(Usage.ZERO, "v").total()).isEqualTo(Money.ZERO);
  }

  @Test
  void theDecimalPathPricesEachTokenOnceToo() {
    // A rate finer than 18 places has no long form: everything below goes through BigDecimal.
    BigDecimal fine = new BigDecimal("0.0000000000000000001");
    Rates rates = new Rates(fine, new BigDecimal("0.000002"), new BigDecimal("0.0000005"), new BigDecimal("0.00000125"),
        new BigDecimal("0.000003"));
    Cost cost = ModelPrice.of("m", rates).cost(new Usage(1_000, 500, 200, 100, 300, true), "v1");
    assertThat(cost.input()).isEqualTo(new Money(fine.multiply(BigDecimal.valueOf(700))));
    assertThat(cost.cacheRead()).isEqualTo(Money.usd("0.0001"));
    assertThat(cost.cacheWrite()).isEqualTo(Money.usd("0.000125"));
    assertThat(cost.output()).isEqualTo(Money.usd("0.0004"));
    assertThat(cost.reasoning()).isEqualTo(Money.usd("0.0009"));
    assertThat(cost.total()).isEqualTo(new Money(new BigDecimal("0.001525").add(fine.multiply(BigDecimal.valueOf(700)))));
    assertThat(cost.estimated()).isTrue();
    assertThat(cost.catalogVersion()).isEqualTo("v1");
    assertThat(cost.pricedAs()).isEqualTo("m");
    assertThat(ModelPrice.of("m", rates).costNanosCeiling(new Usage(1_000, 500, 200, 100, 300, true))).isEqualTo(1_525_001);
  }
}
