package dev.llmops.core.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The catalog's lookup order, overrides and the empty and bundled catalogs, on a small catalog of our own. */
class PriceCatalogLookupTest {
  private static final PriceCatalog CATALOG = PriceCatalog.load(new ByteArrayInputStream("""
      {
        "gpt-4o": {"litellm_provider": "openai", "input_cost_per_token": 1, "output_cost_per_token": 1},
        "azure/gpt-4o": {"litellm_provider": "azure", "input_cost_per_token": 2, "output_cost_per_token": 2},
        "bedrock/claude": {"litellm_provider": "bedrock", "input_cost_per_token": 3, "output_cost_per_token": 3},
        "Mixed-Case": {"litellm_provider": "groq", "input_cost_per_token": 4, "output_cost_per_token": 4},
        "vertex/Gemini-X": {"litellm_provider": "vertex", "input_cost_per_token": 5, "output_cost_per_token": 5},
        "llama": {"litellm_provider": "together", "input_cost_per_token": 6, "output_cost_per_token": 6}
      }
      """.getBytes(StandardCharsets.UTF_8)), "lookup.json");

  private static Optional<String> key(String provider, String model) {
    return CATALOG.find(provider, model).map(ModelPrice::key);
  }

  @Test
  void theExactKeyOfTheSameProviderComesFirst() {
    assertThat(key("openai", "gpt-4o")).hasValue("gpt-4o");
    assertThat(CATALOG.find("gpt-4o").map(ModelPrice::key)).hasValue("gpt-4o");
    assertThat(key("", "gpt-4o")).hasValue("gpt-4o");
  }

  @Test
  void theProviderPrefixedKeyComesBeforeTheSameNameOfAnotherProvider() {
    assertThat(key("azure", "gpt-4o")).hasValue("azure/gpt-4o");
    // No prefixed key for this provider: the same name under another provider is the closest price.
    assertThat(key("mistral", "gpt-4o")).hasValue("gpt-4o");
    assertThat(key("bedrock", "claude")).hasValue("bedrock/claude");
  }

  @Test
  void aPathLikeIdFallsBackToItsLastSegment() {
    assertThat(key("openrouter", "meta/llama")).hasValue("llama");
    assertThat(CATALOG.find("openrouter/meta/llama").map(ModelPrice::key)).hasValue("llama");
    assertThat(CATALOG.find("azure/gpt-4o").map(ModelPrice::key)).hasValue("azure/gpt-4o");
    assertThat(CATALOG.find("llama/")).isEmpty(); // nothing after the slash
    assertThat(CATALOG.find("/")).isEmpty();
    assertThat(CATALOG.find("/llama").map(ModelPrice::key)).hasValue("llama");
  }

  @Test
  void thenTheSameCaseInsensitively() {
    assertThat(CATALOG.find("mixed-case").map(ModelPrice::key)).hasValue("Mixed-Case");
    assertThat(key("openai", "GPT-4O")).hasValue("gpt-4o");
    assertThat(key("Vertex", "gemini-x")).hasValue("vertex/Gemini-X");
    assertThat(CATALOG.find("X/LLAMA").map(ModelPrice::key)).hasValue("llama");
    assertThat(CATALOG.find("no-such-model")).isEmpty();
    assertThat(key("openai", "no-such-model")).isEmpty();
  }

  @Test
  void anOverrideReplacesOneModelAndMarksTheVersionOnce() {
    ModelPrice negotiated = ModelPrice.of("gpt-4o", Rates.perMillion("1", "2"));
    PriceCatalog once = CATALOG.withOverride("gpt-4o", negotiated);
    assertThat(once.find("gpt-4o")).hasValue(negotiated);
    assertThat(once.find("azure", "gpt-4o").map(ModelPrice::key)).hasValue("azure/gpt-4o");
    assertThat(once.version()).isEqualTo(CATALOG.version() + "+overrides");
    assertThat(once.size()).isEqualTo(CATALOG.size());
    PriceCatalog twice = once.withOverride("new-model", negotiated);
    assertThat(twice.version()).isEqualTo(CATALOG.version() + "+overrides");
    assertThat(twice.size()).isEqualTo(CATALOG.size() + 1);
    assertThat(twice.find("NEW-MODEL")).hasValue(negotiated);
    assertThat(CATALOG.find("new-model")).isEmpty(); // the original is unchanged
    assertThat(CATALOG.find("gpt-4o").orElseThrow().rates().input()).isEqualByComparingTo("1");
    assertThatThrownBy(() -> CATALOG.withOverride(null, negotiated)).hasMessageContaining("model");
    assertThatThrownBy(() -> CATALOG.withOverride("m", null)).hasMessageContaining("price");
  }

  @Test
  void theEmptyCatalogKnowsNothing() {
    PriceCatalog empty = PriceCatalog.empty();
    assertThat(empty.size()).isZero();
    assertThat(empty.version()).isEqualTo("empty");
    assertThat(empty.find("gpt-4o")).isEmpty();
    assertThat(empty.prices()).isEmpty();
    assertThat(empty.toString()).isEqualTo("PriceCatalog[0 models, version empty]");
  }

  @Test
  void thePricesAreReadOnly() {
    assertThat(CATALOG.size()).isEqualTo(6);
    assertThat(CATALOG.prices()).hasSize(6).containsKey("vertex/Gemini-X");
    assertThatThrownBy(() -> CATALOG.prices().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(CATALOG.toString()).isEqualTo("PriceCatalog[6 models, version " + CATALOG.version() + "]");
  }

  @Test
  void theBundledCatalogIsReadOnceAndPricesTheMajorModels() {
    PriceCatalog bundled = PriceCatalog.bundled();
    assertThat(PriceCatalog.bundled()).isSameAs(bundled);
    assertThat(bundled.size()).isGreaterThan(30);
    assertThat(bundled.version()).matches("2026-.* sha256:[0-9a-f]{12}");
    ModelPrice gpt4o = bundled.find("openai", "gpt-4o").orElseThrow();
    assertThat(gpt4o.rates().input()).isEqualByComparingTo("2.5e-06");
    assertThat(gpt4o.maxOutputTokens()).isPositive();
    assertThat(bundled.find("anthropic", "claude-sonnet-4-5")).isPresent();
  }
}
