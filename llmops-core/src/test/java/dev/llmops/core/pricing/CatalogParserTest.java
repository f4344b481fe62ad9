package dev.llmops.core.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading LiteLLM's catalog format: what counts as a model, thresholds, tiers, limits, versions and errors. */
class CatalogParserTest {

  private static PriceCatalog parse(String json) {
    return PriceCatalog.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
  }

  private static ModelPrice only(String json) {
    PriceCatalog catalog = parse(json);
    assertThat(catalog.size()).isEqualTo(1);
    return catalog.prices().values().iterator().next();
  }

  private static BigDecimal d(String s) {
    return new BigDecimal(s);
  }

  @Test
  void entriesThatAreNotPricedModelsAreLeftOut() {
    PriceCatalog catalog = parse("""
        {"sample_spec": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": 1},
         "fallback_generalizations": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": 1},
         "last_updated": "2026-01-01",
         "no-provider": {"input_cost_per_token": 1, "output_cost_per_token": 1},
         "number-provider": {"litellm_provider": 7, "input_cost_per_token": 1, "output_cost_per_token": 1},
         "no-input": {"litellm_provider": "x", "output_cost_per_token": 1},
         "no-output": {"litellm_provider": "x", "input_cost_per_token": 1},
         "null-output": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": null},
         "m": {"litellm_provider": "x", "input_cost_per_token": 1e-06, "output_cost_per_token": 0}}
        """);
    assertThat(catalog.prices().keySet()).containsExactly("m");
    ModelPrice m = catalog.prices().get("m");
    assertThat(m.provider()).isEqualTo("x");
    assertThat(m.key()).isEqualTo("m");
    assertThat(m.rates()).isEqualTo(new Rates(d("0.000001"), d("0"), null, null, null));
  }

  @Test
  void optionalRatesAndTheLegacyCacheHitField() {
    ModelPrice full = only("""
        {"m": {"litellm_provider": "x", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
               "cache_read_input_token_cost": 1e-07, "input_cost_per_token_cache_hit": 9e-07,
               "cache_creation_input_token_cost": 1.25e-06, "output_cost_per_reasoning_token": 3e-06}}
        """);
    assertThat(full.rates()).isEqualTo(new Rates(d("1e-06"), d("2e-06"), d("1e-07"), d("1.25e-06"), d("3e-06")));
    ModelPrice legacy = only("""
        {"m": {"litellm_provider": "x", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
               "input_cost_per_token_cache_hit": 9e-07}}
        """);
    assertThat(legacy.rates().cacheRead()).isEqualTo(d("9e-07"));
  }

  @Test
  void thresholdFieldsBecomeThresholdsOverTheBaseRates() {
    ModelPrice m = only("""
        {"m": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": 2,
               "cache_read_input_token_cost": 3, "cache_creation_input_token_cost": 4,
               "output_cost_per_reasoning_token": 5,
               "input_cost_per_token_above_200k_tokens": 10,
               "output_cost_per_token_above_200k_tokens": 20,
               "cache_read_input_token_cost_above_200k_tokens": 30,
               "cache_creation_input_token_cost_above_128000_tokens": 40,
               "output_cost_per_reasoning_token_above_128000_tokens": 50,
               "input_cost_per_token_above_1k_tokens": null,
               "input_cost_per_query_above_5_tokens": 99,
               "max_tokens_above_cap": 7}}
        """);
    assertThat(m.thresholds()).containsExactly(
        new ModelPrice.Threshold(128_000, new Rates(d("1"), d("2"), d("3"), d("40"), d("50"))),
        new ModelPrice.Threshold(200_000, new Rates(d("10"), d("20"), d("30"), d("4"), d("5"))));
    assertThat(m.thresholdInclusive()).isFalse();
    ModelPrice xai = only("""
        {"grok": {"litellm_provider": "xai", "input_cost_per_token": 1, "output_cost_per_token": 2,
                  "input_cost_per_token_above_128k_tokens": 3}}
        """);
    assertThat(xai.thresholdInclusive()).isTrue();
    assertThat(xai.ratesFor(128_000).input()).isEqualByComparingTo("3");
  }

  @Test
  void tieredPricingReadsEachTierAndFillsTheBaseFromTheFirst() {
    ModelPrice m = only("""
        {"m": {"litellm_provider": "x", "output_cost_per_token": 9,
               "tiered_pricing": [
                 {"range": [0, 1000], "input_cost_per_token": 1, "output_cost_per_token": 2,
                  "cache_read_input_token_cost": 0.5, "cache_creation_input_token_cost": 1.5,
                  "output_cost_per_reasoning_token": 3},
                 {"range": [1000, 5000.0], "input_cost_per_token": 4}]}}
        """);
    assertThat(m.tiers()).containsExactly(
        new ModelPrice.Tier(0, 1000, new Rates(d("1"), d("2"), d("0.5"), d("1.5"), d("3"))),
        new ModelPrice.Tier(1000, 5000, new Rates(d("4"), d("9"), null, null, null)));
    // No top-level input: the first tier's.
    assertThat(m.rates().input()).isEqualByComparingTo("1");
    assertThat(m.rates().output()).isEqualByComparingTo("9");
    ModelPrice noTopLevel = only("""
        {"m": {"litellm_provider": "x",
               "tiered_pricing": [{"range": [0, 10], "input_cost_per_token": 1, "output_cost_per_token": 2}]}}
        """);
    assertThat(noTopLevel.rates()).isEqualTo(new Rates(d("1"), d("2"), null, null, null));
  }

  @Test
  void tiersPricedOtherwiseAreNoTokenTiers() {
    ModelPrice m = only("""
        {"m": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": 2,
               "tiered_pricing": [{"range": [0, 10], "input_cost_per_token": 1, "output_cost_per_token": 2},
                                  {"range": [10, 20], "cost_per_query": 5}]}}
        """);
    assertThat(m.tiers()).isEmpty();
    ModelPrice notAList = only("""
        {"m": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": 2, "tiered_pricing": {}}}
        """);
    assertThat(notAList.tiers()).isEmpty();
    assertThat(parse("""
        {"m": {"litellm_provider": "x", "tiered_pricing": [{"range": [0, 10], "input_cost_per_token": 1}]}}
        """).size()).isZero(); // no output price anywhere: unknown
  }

  @Test
  void aMalformedTierRangeNamesTheTier() {
    for (String range : List.of("[0]", "[0, 1, 2]", "\"0-1\"", "[\"0\", 1]", "[0, \"1\"]")) {
      String json = "{\"m\": {\"litellm_provider\": \"x\", \"tiered_pricing\": ["
          + "{\"range\": [0, 1], \"input_cost_per_token\": 1, \"output_cost_per_token\": 1},"
          + "{\"range\": " + range + ", \"input_cost_per_token\": 1, \"output_cost_per_token\": 1}]}}";
      assertThatThrownBy(() -> parse(json)).as(range).isInstanceOf(ConfigurationException.class)
          .hasMessageEndingWith("price catalog test.json: model 'm' field tiered_pricing[1].range must be [min, max]");
    }
    String noRange = "{\"m\": {\"litellm_provider\": \"x\", \"tiered_pricing\": ["
        + "{\"input_cost_per_token\": 1, \"output_cost_per_token\": 1}]}}";
    assertThatThrownBy(() -> parse(noRange)).hasMessageContaining("tiered_pricing[0].range");
  }

  @Test
  void tokenLimitsAreReadWhenTheyAreNumbers() {
    ModelPrice m = only("""
        {"m": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": 2,
               "max_input_tokens": 128000, "max_output_tokens": 16384.0}}
        """);
    assertThat(m.maxInputTokens()).isEqualTo(128_000);
    assertThat(m.maxOutputTokens()).isEqualTo(16_384);
    ModelPrice odd = only("""
        {"m": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": 2,
               "max_input_tokens": "lots", "max_output_tokens": -5}}
        """);
    assertThat(odd.maxInputTokens()).isZero();
    assertThat(odd.maxOutputTokens()).isZero();
  }

  @Test
  void badPricesNameTheSourceModelAndField() {
    assertThatThrownBy(() -> parse("""
        {"m": {"litellm_provider": "x", "input_cost_per_token": -1, "output_cost_per_token": 2}}
        """)).isInstanceOf(ConfigurationException.class)
        .hasMessageEndingWith("price catalog test.json: model 'm' field 'input_cost_per_token' must be >= 0 but was -1");
    assertThatThrownBy(() -> parse("""
        {"m": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": "2"}}
        """)).isInstanceOf(ConfigurationException.class)
        .hasMessageEndingWith("price catalog test.json: model 'm' field 'output_cost_per_token' must be a number but was STRING");
    assertThatThrownBy(() -> parse("""
        {"m": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": 2,
               "input_cost_per_token_above_200k_tokens": true}}
        """)).hasMessageContaining("'input_cost_per_token_above_200k_tokens'");
  }

  @Test
  void aFileThatIsNotAnObjectOfModelsIsRejected() {
    assertThatThrownBy(() -> parse("[1, 2]")).isInstanceOf(ConfigurationException.class)
        .hasMessageEndingWith("price catalog test.json must be a JSON object of model entries");
    assertThatThrownBy(() -> parse("")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("test.json");
    assertThatThrownBy(() -> parse("{\n  \"m\": {,}\n}")).isInstanceOf(ConfigurationException.class)
        .hasMessageEndingWith("price catalog test.json is not valid JSON at line 2, column 9");
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("disk gone");
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        throw new IOException("disk gone");
      }
    };
    assertThatThrownBy(() -> PriceCatalog.load(failing, "broken.json")).isInstanceOf(ConfigurationException.class)
        .hasMessageEndingWith("cannot read price catalog broken.json: IOException");
  }

  @Test
  void theVersionIsTheDateAndAContentHash() {
    String json = """
        {"last_updated": "2026-07-24", "m": {"litellm_provider": "x", "input_cost_per_token": 1, "output_cost_per_token": 2}}
        """;
    String version = parse(json).version();
    assertThat(version).matches("2026-07-24 sha256:[0-9a-f]{12}");
    assertThat(parse(json).version()).isEqualTo(version);
    assertThat(parse(json.replace("2}", "3}")).version()).startsWith("2026-07-24 sha256:").isNotEqualTo(version);
    assertThat(parse("{}").version()).matches("sha256:[0-9a-f]{12}");
    // sha256 of "{}"
    assertThat(parse("{}").version()).isEqualTo("sha256:44136fa355b3");
    assertThat(parse("{\"last_updated\": 5}").version()).startsWith("sha256:");
  }

  @Test
  void aCatalogFileIsReadAndAMissingOneNamed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, "{\"m\": {\"litellm_provider\": \"x\", \"input_cost_per_token\": 1, \"output_cost_per_token\": 2}}");
    assertThat(PriceCatalog.load(file).find("m")).isPresent();
    Path missing = dir.resolve("missing.json");
    assertThatThrownBy(() -> PriceCatalog.load(missing)).isInstanceOf(ConfigurationException.class)
        .hasMessageEndingWith("cannot read price catalog " + missing + ": NoSuchFileException");
    assertThatThrownBy(() -> PriceCatalog.load((Path) null)).hasMessageContaining("file");
    assertThatThrownBy(() -> PriceCatalog.load(null, "s")).hasMessageContaining("in");
    assertThatThrownBy(() -> PriceCatalog.load(new ByteArrayInputStream(new byte[0]), null)).hasMessageContaining("source");
  }
}
