package dev.llmops.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Money;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.pricing.Rates;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Which price an attempt is billed at: its endpoint's, resolved when the client is built; the
 * answering model's when the answer names another priced model (a dated id); a fallback endpoint's
 * own.
 */
class AccountingPricesTest {
  /** The same model id priced differently per provider, and a dated id priced apart. */
  private static final PriceCatalog CATALOG = PriceCatalog.load(new ByteArrayInputStream("""
      {
        "gpt-4o": {"litellm_provider": "openai", "mode": "chat",
                   "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05},
        "gpt-4o-2024-05-13": {"litellm_provider": "openai", "mode": "chat",
                              "input_cost_per_token": 5e-06, "output_cost_per_token": 1.5e-05},
        "azure/gpt-4o": {"litellm_provider": "azure", "mode": "chat",
                         "input_cost_per_token": 5e-06, "output_cost_per_token": 2e-05},
        "gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
                        "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07}
      }
      """.getBytes(StandardCharsets.UTF_8)), "test catalog");
  private static final Usage USAGE = Usage.of(1_000_000, 100_000);

  private final InMemoryLedger ledger = InMemoryLedger.create();

  /** A model of {@code provider}/{@code modelId} whose answers name {@code answering}. */
  private static ChatModel model(String provider, String modelId, String answering) {
    return new ChatModel() {
      @Override
      public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
        return CompletableFuture.completedFuture(ChatResponse.of("r", answering, "ok", FinishReason.STOP, USAGE));
      }

      @Override
      public ModelInfo info() {
        return ModelInfo.of(provider, modelId);
      }
    };
  }

  private LlmClient.Builder client(PriceCatalog catalog) {
    return LlmClient.builder().accounting(Accounting.builder().catalog(catalog).ledger(ledger).build());
  }

  private static Money cost(Completion answer) {
    return answer.attribute(Cost.KEY).flatMap(Cost::amount).orElseThrow();
  }

  @Test
  void anAttemptIsBilledAtItsEndpointsProviderPrice() {
    try (LlmClient c = client(CATALOG).model("openai", model("openai", "gpt-4o", "gpt-4o"))
        .model("azure", model("azure", "gpt-4o", "gpt-4o")).build()) {
      // 1M input and 100k output tokens: 2.5 + 1 at OpenAI's price, 5 + 2 at Azure's.
      assertThat(cost(c.chat(ChatRequest.of("hi")))).isEqualTo(Money.usd("3.5"));
      assertThat(cost(c.chat(ChatRequest.of("hi").withModel("azure")))).isEqualTo(Money.usd("7"));
    }
    assertThat(ledger.records()).extracting(r -> r.cost().pricedAs()).containsExactly("gpt-4o", "azure/gpt-4o");
  }

  @Test
  void anAnswerFromAPricedDatedModelIsBilledAtThatModelsPrice() {
    try (LlmClient c = client(CATALOG).model("m", model("openai", "gpt-4o", "gpt-4o-2024-05-13")).build()) {
      assertThat(cost(c.chat(ChatRequest.of("hi")))).isEqualTo(Money.usd("6.5")); // 5 + 1.5
    }
    assertThat(ledger.records()).singleElement().satisfies(r -> {
      assertThat(r.model()).isEqualTo("gpt-4o-2024-05-13");
      assertThat(r.cost().pricedAs()).isEqualTo("gpt-4o-2024-05-13");
    });
  }

  @Test
  void anAnswerFromAnUnpricedModelIsBilledAtTheEndpointsPrice() {
    try (LlmClient c = client(CATALOG).model("m", model("openai", "gpt-4o", "gpt-4o-2099-01-01")).build()) {
      assertThat(cost(c.chat(ChatRequest.of("hi")))).isEqualTo(Money.usd("3.5"));
    }
    assertThat(ledger.records()).singleElement().satisfies(r -> {
      assertThat(r.model()).isEqualTo("gpt-4o-2099-01-01");
      assertThat(r.cost().pricedAs()).isEqualTo("gpt-4o");
    });
  }

  @Test
  void aFallbackAttemptIsBilledAtItsOwnEndpointsPrice() {
    ChatModel failing = new ChatModel() {
      @Override
      public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
        return CompletableFuture.failedFuture(new ProviderUnavailableException("down", ErrorDetails.of("openai", "gpt-4o")));
      }

      @Override
      public ModelInfo info() {
        return ModelInfo.of("openai", "gpt-4o");
      }
    };
    try (LlmClient c = client(CATALOG).model("smart", failing).model("cheap", model("openai", "gpt-4o-mini", "gpt-4o-mini"))
        .step(PipelineStep.RESILIENCE, chain -> chain.proceed(chain.request())
            .exceptionallyCompose(e -> chain.proceed(chain.request().withModel("cheap"))))
        .build()) {
      // 1M input and 100k output tokens of gpt-4o-mini: 0.15 + 0.06.
      assertThat(cost(c.chat(ChatRequest.of("hi")))).isEqualTo(Money.usd("0.21"));
    }
    assertThat(ledger.records()).extracting(LedgerRecord::endpoint, r -> r.cost().total())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("smart", Money.ZERO),
            org.assertj.core.groups.Tuple.tuple("cheap", Money.usd("0.21")));
  }

  @Test
  void negotiatedPricesOverrideTheCatalog() {
    PriceCatalog catalog = PriceCatalog.bundled()
        .withOverride("gpt-4o", ModelPrice.of("gpt-4o", Rates.perMillion("1", "2")));
    try (LlmClient c = client(catalog).model("m", model("openai", "gpt-4o", "gpt-4o")).build()) {
      // 1M input at 1, 100k output at 2 per million.
      assertThat(cost(c.chat(ChatRequest.of("hi")))).isEqualTo(Money.usd("1.2"));
    }
    assertThat(ledger.records()).singleElement()
        .satisfies(r -> assertThat(r.cost().catalogVersion()).endsWith("+overrides"));
  }

  @Test
  void priceLooksUpTheAnsweringModelFirstThenTheModel() {
    Accounting accounting = Accounting.builder().catalog(CATALOG).build();
    assertThat(accounting.price("openai", "gpt-4o", "gpt-4o-2024-05-13")).isEqualTo(CATALOG.find("gpt-4o-2024-05-13").orElseThrow());
    assertThat(accounting.price("openai", "gpt-4o", "gpt-4o-2099-01-01")).isEqualTo(CATALOG.find("gpt-4o").orElseThrow());
    assertThat(accounting.price("azure", "gpt-4o", null)).isEqualTo(CATALOG.find("azure/gpt-4o").orElseThrow());
    assertThat(accounting.price("azure", "gpt-4o", "")).isEqualTo(CATALOG.find("azure/gpt-4o").orElseThrow());
    assertThat(accounting.price("openai", "no-such-model", null)).isNull();
    assertThat(accounting.cost(ModelInfo.of("openai", "no-such-model"), null, USAGE).known()).isFalse();
    assertThat(accounting.cost(ModelInfo.of("openai", "gpt-4o"), "gpt-4o", USAGE).total()).isEqualTo(Money.usd("3.5"));
  }
}
