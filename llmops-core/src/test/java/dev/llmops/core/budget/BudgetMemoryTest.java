package dev.llmops.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.LedgerSink;
import dev.llmops.core.pipeline.Endpoints;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.pricing.Rates;
import dev.llmops.core.sink.internal.Hand;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, "Bounded memory in a long-running service": budget counters and rate-limit buckets of
 * 100,000 tenants and subjects are forgotten once their windows have passed. Counts entries; no
 * timing, no heap measurement.
 */
class BudgetMemoryTest {
  private static final int N = 100_000;

  /** Answers at once; keeps nothing per call. */
  private static final ChatModel MODEL = new ChatModel() {
    @Override
    public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
      return CompletableFuture.completedFuture(ChatResponse.of("r", "m1", "ok", FinishReason.STOP, Usage.of(3, 4)));
    }

    @Override
    public ModelInfo info() {
      return ModelInfo.of("p", "m1");
    }
  };

  @Test
  void countersAndBucketsOfPastWindowsAreForgotten() {
    Hand time = new Hand();
    PriceCatalog catalog = PriceCatalog.empty().withOverride("m1", ModelPrice.of("m1", Rates.perMillion("1", "2")));
    InMemoryBudgetStore store = InMemoryBudgetStore.create();
    Budget daily = Budget.money(Scope.TENANT, Money.usd("10"), Window.daily());
    Budget hourly = Budget.tokens(Scope.SUBJECT, 1_000_000, Window.rolling(Duration.ofHours(1), 4));
    Budgets budgets = Budgets.builder().store(store).budget(daily).budget(hourly)
        .rateLimit(RateLimit.requestsPerMinute(Scope.TENANT, 600))
        .rateLimit(RateLimit.tokensPerMinute(Scope.SUBJECT, 100_000))
        .build();
    BudgetStep step = new BudgetStep(budgets, Endpoints.of(Map.of("m", MODEL), "m", catalog), time, time);
    ChatRequest request = ChatRequest.builder().user("hi").maxOutputTokens(8).build();
    try (LlmClient c = LlmClient.builder().model("m", MODEL).clock(time).scheduler(time)
        .accounting(Accounting.builder().catalog(catalog).ledger(LedgerSink.noop()).build())
        .step(PipelineStep.ADMISSION, step).build()) {
      for (int i = 0; i < N; i++) {
        c.chat(request, CallContext.ofTenant("t" + i).withSubject("s" + i));
      }
      // One daily counter per tenant, one rolling counter per subject, one bucket per limit and value.
      assertThat(store.size()).isEqualTo(2 * N);
      assertThat(step.retainedBuckets()).isEqualTo(2L * N);

      // 02:00: the rolling hour and the buckets' idle time have passed; the day has not.
      time.advance(Duration.ofHours(2));
      CallContext t0 = CallContext.ofTenant("t0").withSubject("late");
      c.chat(request, t0);
      assertThat(store.size()).as("the tenants' daily counters and the new subject's").isEqualTo(N + 1);
      assertThat(step.retainedBuckets()).as("the new call's two buckets").isEqualTo(2);
      long perCall = catalog.find("p", "m1").orElseThrow().costNanosCeiling(Usage.of(3, 4));
      assertThat(budgets.balance(daily, t0, time.instant()).spent()).as("kept in its window").isEqualTo(2 * perCall);

      // The next day: every counter of the first has gone.
      time.advance(Duration.ofDays(1));
      c.chat(request, CallContext.ofTenant("next").withSubject("next"));
      assertThat(store.size()).isEqualTo(2);
      assertThat(step.retainedBuckets()).isEqualTo(2);
      assertThat(store.totalReserved()).isZero();
    }
  }
}
