package dev.llmops.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.core.LlmClient;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.BudgetStore.Balance;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.Scope;
import dev.llmops.core.budget.Window;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Redis stalling and answering again, seen through an {@link LlmClient}'s calls. */
class OutageThroughClientTest {
  private static RedisServer server;

  @BeforeAll
  static void connect() {
    server = RedisServer.connect("outage");
  }

  @AfterAll
  static void cleanUp() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void failClosedRejectsFailOpenAdmitsWithinTheAllowanceAndBothAreHeard() throws Exception {
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    Budget strict = Budget.tokens(Scope.TENANT, 10_000, Window.daily()).named("strict");
    Budget lenient = Budget.tokens(Scope.TENANT, 10_000, Window.daily()).named("lenient");
    List<String> heard = new CopyOnWriteArrayList<>();
    CallContext acme = CallContext.ofTenant("acme");
    ChatRequest request = ChatRequest.builder().user("hello").maxOutputTokens(200).build(); // ~205 tokens
    try (StallingProxy proxy = new StallingProxy(RedisServer.URI)) {
      RedisBudgetStore store = RedisBudgetStore.builder().uri(proxy.uri()).namespace(server.namespace)
          .timeout(Duration.ofMillis(500)).clock(clock).scheduler(scheduler)
          .outagePolicy("lenient", OutagePolicy.failOpen("0.05")) // 500 tokens: two such calls
          .listener(new OutageListener() {
            @Override
            public void unavailable(String counterKey, OutagePolicy policy, boolean admitted, Throwable cause) {
              heard.add(counterKey.substring(0, counterKey.indexOf('|')) + " " + admitted);
            }

            @Override
            public void recovered() {
              heard.add("recovered");
            }
          })
          .build();
      FakeChatModel model = FakeChatModel.builder().recordRequests(false).build();
      try (LlmClient closed = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler)
              .budgets(Budgets.builder().store(store).budget(strict).build()).closeOnClose(store).build();
          LlmClient open = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler)
              .budgets(Budgets.builder().store(store).budget(lenient).build()).build()) {
        closed.chat(request, acme);
        long before = open.chat(request, acme).usage().totalTokens();

        proxy.stall();
        assertThatThrownBy(() -> closed.chat(request, acme)).isInstanceOf(BudgetUnavailableException.class)
            .hasMessageContaining("strict|tenant:acme");
        // The allowance (5 % of 10,000 = 500 tokens) holds reservations (~205 each) and what was spent.
        long local = 0;
        int admitted = 0;
        while (admitted < 100) {
          try {
            local += open.chat(request, acme).usage().totalTokens();
            admitted++;
          } catch (BudgetExceededException usedUp) {
            break;
          }
        }
        assertThat(admitted).isBetween(2, 99);
        assertThat(local).isLessThanOrEqualTo(500);
        assertThat(heard).startsWith("strict false", "lenient true", "lenient true").endsWith("lenient false");
        assertThat(store.stats().failClosedRejections()).isEqualTo(1);
        assertThat(store.stats().failOpenAdmissions()).isEqualTo(admitted);

        proxy.resume();
        store.heartbeat(); // writes back what was spent on the allowance
        store.heartbeat();
        Balance shared = store.balance(Budgets.counterKey(lenient, acme, clock.instant()));
        assertThat(shared).as("written back once").isEqualTo(new Balance(before + local, 0));
        assertThat(heard).endsWith("recovered");
        closed.chat(request, acme); // fails closed no longer
      }
    }
  }
}
