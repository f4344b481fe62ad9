package dev.llmops.core.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.ConformanceData;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loader against LiteLLM's full catalog, and exact costs of cached, reasoning and tiered usage. */
class PriceCatalogTest {
  private static PriceCatalog full;

  @BeforeAll
  static void load() {
    full = PriceCatalog.load(ConformanceData.file("litellm-model_prices_and_context_window.json"));
  }

  private static ModelPrice price(String key) {
    return full.find(key).orElseThrow();
  }

  private static Money usd(String s) {
    return Money.usd(s);
  }

  @Test
  void loadsEveryPricedModelAndRecordsTheVersion() {
    // 2982 entries; those without a per-token input or output price stay unknown.
    assertThat(full.size()).isBetween(2300, 2982);
    assertThat(full.version()).startsWith("2026-07-24T18:23:43").contains("sha256:");
    assertThat(full.find("sample_spec")).isEmpty();
    assertThat(full.find("fallback_generalizations")).isEmpty();
    assertThat(full.find("last_updated")).isEmpty();
  }

  @Test
  void missingPricesAreUnknownButZeroPricesAreZero() {
    assertThat(full.find("azure/container")).isEmpty();
    ModelPrice flash = price("gemini/gemini-1.5-flash"); // integer 0 output price
    assertThat(flash.rates().output()).isEqualByComparingTo("0");
    assertThat(flash.cost(Usage.of(10, 10), "v").total()).isNotNull();
  }

  @Test
  void cachedTokensArePricedOnceAtTheCachedRate() {
    // gpt-4o: 2.5e-06 input, 1.25e-06 cached, 1e-05 output. 1000 prompt tokens of which 400 cached.
    Cost c = price("gpt-4o").cost(new Usage(1000, 100, 400, 0, 0, false), full.version());
    assertThat(c.input()).isEqualTo(usd("0.0015"));
    assertThat(c.cacheRead()).isEqualTo(usd("0.0005"));
    assertThat(c.output()).isEqualTo(usd("0.001"));
    assertThat(c.total()).isEqualTo(usd("0.003"));
    assertThat(c.catalogVersion()).isEqualTo(full.version());
  }

  @Test
  void anthropicCacheWritesAndReadsUseTheirRates() {
    // claude-sonnet-4-5: 3e-06 input, 3e-07 read, 3.75e-06 write, 1.5e-05 output.
    Cost c = price("claude-sonnet-4-5").cost(new Usage(3000, 200, 1000, 1000, 0, false), "v");
    assertThat(c.total()).isEqualTo(usd("0.003").plus(usd("0.0003")).plus(usd("0.00375")).plus(usd("0.003")));
  }

  @Test
  void reasoningTokensUseTheReasoningRateWhenSet() {
    // dashscope/qwen-plus-2025-04-28 charges 4e-06 for reasoning against 1.2e-06 output (per the reference).
    ModelPrice qwen = price("dashscope/qwen-plus-2025-04-28");
    BigDecimal reasoning = qwen.rates().effectiveReasoning();
    Cost c = qwen.cost(new Usage(0, 1000, 0, 0, 600, false), "v");
    assertThat(c.reasoning()).isEqualTo(new Money(reasoning.multiply(BigDecimal.valueOf(600))));
    assertThat(c.output()).isEqualTo(new Money(qwen.ratesFor(0).output().multiply(BigDecimal.valueOf(400))));
    // Without a reasoning rate, reasoning is billed at the output rate.
    Cost gpt = price("gpt-4o").cost(new Usage(0, 1000, 0, 0, 600, false), "v");
    assertThat(gpt.total()).isEqualTo(usd("0.01"));
  }

  @Test
  void thresholdIsStrictlyAboveAndMovesTheWholeRequest() {
    ModelPrice sonnet = price("claude-sonnet-4-5");
    assertThat(sonnet.cost(Usage.of(200_000, 1000), "v").total()).isEqualTo(usd("0.6").plus(usd("0.015")));
    assertThat(sonnet.cost(Usage.of(200_001, 1000), "v").total())
        .isEqualTo(usd("1.200006").plus(usd("0.0225")));
    // The reference's worked example: 250,000 prompt + 1,000 output = 1.5225 USD.
    assertThat(sonnet.cost(Usage.of(250_000, 1000), "v").total()).isEqualTo(usd("1.5225"));
  }

  @Test
  void xaiThresholdsApplyAtExactlyTheirCount() {
    ModelPrice grok = full.prices().values().stream()
        .filter(p -> p.provider().equals("xai") && !p.thresholds().isEmpty())
        .findFirst().orElseThrow();
    long n = grok.thresholds().get(0).aboveTokens();
    assertThat(grok.ratesFor(n)).isEqualTo(grok.thresholds().get(0).rates());
    assertThat(grok.ratesFor(n - 1)).isEqualTo(grok.rates());
  }

  @Test
  void tieredPricingPicksOneTierForTheWholeRequest() {
    ModelPrice flash = price("dashscope/qwen-flash");
    assertThat(flash.tiers()).hasSize(2);
    assertThat(flash.ratesFor(255_999).input()).isEqualByComparingTo("5e-08");
    assertThat(flash.ratesFor(256_000).input()).isEqualByComparingTo("2.5e-07");
    assertThat(flash.cost(Usage.of(300_000, 10), "v").total()).isEqualTo(usd("0.075").plus(usd("0.00002")));
  }

  @Test
  void legacyCacheHitFieldIsTheCacheReadPrice() {
    ModelPrice coder = price("deepseek/deepseek-coder");
    assertThat(coder.rates().cacheRead()).isNotNull();
  }

  @Test
  void arithmeticIsExact() {
    ModelPrice p = ModelPrice.of("m", new Rates(new BigDecimal("1e-05"), BigDecimal.ZERO, null, null, null));
    assertThat(p.cost(Usage.of(3, 0), "v").total()).isEqualTo(usd("0.00003"));
  }

  @Test
  void lookupTriesProviderPrefixBareNameAndCase() {
    assertThat(full.find("openai", "gpt-4o")).isPresent();
    assertThat(full.find("gemini", "gemini-2.5-flash").orElseThrow().key()).isEqualTo("gemini/gemini-2.5-flash");
    assertThat(full.find("GPT-4O")).map(ModelPrice::key).hasValue("gpt-4o");
    assertThat(full.find("claude-3-5-haiku-20241022")).isEmpty(); // retired: unknown, not an error
  }

  @Test
  void bundledTableAgreesWithTheFullCatalog() {
    PriceCatalog bundled = PriceCatalog.bundled();
    assertThat(bundled.size()).isGreaterThan(30);
    assertThat(bundled.version()).startsWith("2026-07-24");
    bundled.prices().forEach((key, p) -> {
      ModelPrice f = price(key);
      assertThat(p.rates()).as(key).isEqualTo(f.rates());
      assertThat(p.thresholds()).as(key).isEqualTo(f.thresholds());
      assertThat(p.maxOutputTokens()).as(key).isEqualTo(f.maxOutputTokens());
    });
  }

  @Test
  void overridesReplaceOneModelAndMarkTheVersion() {
    PriceCatalog negotiated = full.withOverride("gpt-4o", ModelPrice.of("gpt-4o", Rates.perMillion("2.00", "8.00")));
    assertThat(negotiated.find("gpt-4o").orElseThrow().cost(Usage.of(1_000_000, 0), "v").total()).isEqualTo(usd("2"));
    assertThat(negotiated.version()).endsWith("+overrides");
  }

  @Test
  void malformedCatalogsNameTheSourceKeyAndField() {
    String bad = "{\"m\": {\"litellm_provider\": \"x\", \"input_cost_per_token\": \"cheap\", \"output_cost_per_token\": 1}}";
    assertThatThrownBy(() -> PriceCatalog.load(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)), "prices.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("prices.json").hasMessageContaining("'m'").hasMessageContaining("input_cost_per_token");
    assertThatThrownBy(() -> PriceCatalog.load(new ByteArrayInputStream("{".getBytes(StandardCharsets.UTF_8)), "p.json"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("p.json");
  }
}
