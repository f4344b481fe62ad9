package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class DecimalsTest {
  @Property(tries = 2000)
  void plainIsToPlainStringForLongUnscaledValues(@ForAll long unscaled, @ForAll @IntRange(min = -6, max = 24) int scale) {
    BigDecimal value = BigDecimal.valueOf(unscaled, scale);
    assertThat(Decimals.plain(value)).isEqualTo(value.toPlainString());
  }

  @Property(tries = 500)
  void plainIsToPlainStringForLargeValues(@ForAll BigInteger unscaled, @ForAll @IntRange(min = -6, max = 40) int scale) {
    BigDecimal value = new BigDecimal(unscaled, scale);
    assertThat(Decimals.plain(value)).isEqualTo(value.toPlainString());
  }

  @Example
  void usualCosts() {
    assertThat(Decimals.plain(new BigDecimal("0.00365"))).isEqualTo("0.00365");
    assertThat(Decimals.plain(new BigDecimal("12.5"))).isEqualTo("12.5");
    assertThat(Decimals.plain(new BigDecimal("-0.000000125"))).isEqualTo("-0.000000125");
    assertThat(Decimals.plain(new BigDecimal("0.00"))).isEqualTo("0.00");
    assertThat(Decimals.plain(new BigDecimal("999999999999999999E-18"))).isEqualTo("0.999999999999999999");
    assertThat(Decimals.plain(new BigDecimal("1E+3"))).isEqualTo("1000");
  }
}
