package dev.llmops.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.core.pricing.PriceCatalog;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Price lookups go through a memo keyed by the identity of the provider and model strings; in any
 * order of lookups, with shared and with equal-but-distinct strings, the answer is the catalog's.
 */
class AccountingPriceProperties {
  /** The same model id priced differently per provider, so a memo that ignored the provider fails. */
  private static final PriceCatalog CATALOG = PriceCatalog.load(new ByteArrayInputStream("""
      {
        "gpt-4o": {"litellm_provider": "openai", "mode": "chat",
                   "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05},
        "azure/gpt-4o": {"litellm_provider": "azure", "mode": "chat",
                         "input_cost_per_token": 5e-06, "output_cost_per_token": 2e-05},
        "bedrock/gpt-4o": {"litellm_provider": "bedrock", "mode": "chat",
                           "input_cost_per_token": 7e-06, "output_cost_per_token": 3e-05},
        "claude-3-haiku-20240307": {"litellm_provider": "anthropic", "mode": "chat",
                                    "input_cost_per_token": 2.5e-07, "output_cost_per_token": 1.25e-06}
      }
      """.getBytes(StandardCharsets.UTF_8)), "test catalog");
  private static final List<String> PROVIDERS = List.of("openai", "azure", "anthropic", "bedrock");
  private static final List<String> MODELS =
      List.of("gpt-4o", "claude-3-haiku-20240307", "no-such-model");

  @Property(tries = 200)
  void everyLookupAnswersWhatTheCatalogSays(@ForAll("lookups") @Size(max = 60) List<int[]> lookups) {
    Accounting accounting = Accounting.builder().catalog(CATALOG).build();
    for (int[] l : lookups) {
      String provider = PROVIDERS.get(l[0]);
      // Half the lookups use a fresh copy of the model id: equal, not identical.
      String model = l[2] == 0 ? MODELS.get(l[1]) : new String(MODELS.get(l[1]).toCharArray());
      assertThat(accounting.price(provider, model, null))
          .as("%s %s", provider, model)
          .isEqualTo(CATALOG.find(provider, model).orElse(null));
    }
  }

  @Provide
  Arbitrary<List<int[]>> lookups() {
    return Arbitraries.integers().between(0, 3)
        .flatMap(p -> Arbitraries.integers().between(0, MODELS.size() - 1)
            .flatMap(m -> Arbitraries.integers().between(0, 1).map(copy -> new int[] {p, m, copy})))
        .list();
  }
}
