package dev.llmops.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.Money;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Durations and amounts read from a configuration are exact, whatever their size or spelling. */
class ConfigValuesPropertyTest {

  @Property
  void shortDurationsMeanExactlyTheirUnit(@ForAll @LongRange(min = 0, max = 1_000_000) long n) {
    assertThat(ConfigReader.parseDuration(n + "ms")).isEqualTo(Duration.ofMillis(n));
    assertThat(ConfigReader.parseDuration(n + "s")).isEqualTo(Duration.ofSeconds(n));
    assertThat(ConfigReader.parseDuration(n + "m")).isEqualTo(Duration.ofMinutes(n));
    assertThat(ConfigReader.parseDuration(n + "h")).isEqualTo(Duration.ofHours(n));
    assertThat(ConfigReader.parseDuration(n + "d")).isEqualTo(Duration.ofDays(n));
  }

  @Property
  void isoDurationsRoundTrip(@ForAll @LongRange(min = 0, max = 10_000_000_000L) long millis) {
    Duration d = Duration.ofMillis(millis);
    assertThat(ConfigReader.parseDuration(d.toString())).isEqualTo(d);
  }

  @Property
  void moneyTextIsReadExactly(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long unscaled, @ForAll @IntRange(min = 0, max = 12) int scale) {
    BigDecimal amount = new BigDecimal(BigInteger.valueOf(unscaled), scale);
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("text", amount.toPlainString() + " USD");
    node.putObject("map").put("amount", amount.toPlainString());
    ConfigReader r = new ConfigReader("c.yaml");

    assertThat(r.money(node, "text", "text")).isEqualTo(Money.usd(amount));
    assertThat(r.money(node, "map", "map")).isEqualTo(Money.usd(amount));
    assertThat(r.problems()).isEmpty();
  }

  @Property
  void aNumberIsNeverTakenAsMoney(@ForAll double value) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("limit", value);
    ConfigReader r = new ConfigReader("c.yaml");

    assertThat(r.money(node, "limit", "budgets[0].limit")).isNull();
    assertThat(r.problems()).singleElement().asString().startsWith("c.yaml: budgets[0].limit: expected an amount");
  }
}
