package dev.llmops.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.budget.RateLimit;
import dev.llmops.core.budget.Scope;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Shared GCRA rate limits on the real Redis, across replicas and through an outage. */
class RedisRateLimitsTest {
  private static RedisServer server;
  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final List<AutoCloseable> open = new ArrayList<>();
  private final CallContext acme = CallContext.ofTenant("acme");

  @BeforeAll
  static void connect() {
    server = RedisServer.connect("ratelimits");
  }

  @AfterAll
  static void cleanUp() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private LlmClient client(RedisBudgetStore store, RateLimit limit) {
    FakeChatModel model = FakeChatModel.builder().recordRequests(false).build();
    LlmClient c = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler)
        .step(PipelineStep.ADMISSION, RedisRateLimits.of(store, limit)).build();
    open.add(c);
    return c;
  }

  private RedisBudgetStore store(RedisBudgetStore.Builder b) {
    RedisBudgetStore s = b.clock(clock).scheduler(scheduler).build();
    open.add(s);
    return s;
  }

  private RedisBudgetStore replica(String ns) {
    return store(RedisBudgetStore.builder().connection(server.newConnection()).namespace(ns)
        .timeout(Duration.ofSeconds(10)));
  }

  @Test
  void twoReplicasShareOneMinutesBurstAndRefillContinuously() {
    String ns = server.namespace + ":rpm";
    RateLimit rpm = RateLimit.requestsPerMinute(Scope.TENANT, 6); // one request every 10 s
    LlmClient a = client(replica(ns), rpm);
    LlmClient b = client(replica(ns), rpm);
    for (int i = 0; i < 6; i++) {
      (i % 2 == 0 ? a : b).chat(ChatRequest.of("hi"), acme);
    }
    assertThatThrownBy(() -> b.chat(ChatRequest.of("hi"), acme))
        .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
          assertThat(e.scope()).isEqualTo("tenant:acme");
          assertThat(e.limit()).isEqualTo("6 requests per minute");
          assertThat(e.resetAt()).isEqualTo(clock.instant().plusSeconds(10));
        });
    a.chat(ChatRequest.of("another tenant"), CallContext.ofTenant("globex"));
    clock.advance(Duration.ofSeconds(10));
    a.chat(ChatRequest.of("hi"), acme);
    assertThatThrownBy(() -> a.chat(ChatRequest.of("hi"), acme)).isInstanceOf(BudgetExceededException.class);
  }

  @Test
  void tokensAreChargedOnTheRequestsByteBound() {
    RedisBudgetStore store = replica(server.namespace + ":tpm");
    RedisRateLimits limits = RedisRateLimits.of(store, RateLimit.tokensPerMinute(Scope.TENANT, 1_000));
    long now = clock.millis() * 1000;
    RateLimit tpm = limits.limits().get(0);
    assertThat(limits.take(tpm, "tenant:acme", 600, now)).isZero();
    assertThat(limits.take(tpm, "tenant:acme", 400, now)).isZero();
    assertThat(limits.take(tpm, "tenant:acme", 100, now)).as("microseconds until 100 tokens refill")
        .isEqualTo(6_000_000L);
    LlmClient c = client(store, RateLimit.tokensPerMinute(Scope.TENANT, 100));
    String text = "x".repeat(400); // at least 400 tokens by the byte bound
    assertThatThrownBy(() -> c.chat(ChatRequest.of(text), CallContext.ofTenant("initech")))
        .isInstanceOfSatisfying(BudgetExceededException.class,
            e -> assertThat(e.limit()).isEqualTo("100 tokens per minute"));
  }

  @Test
  void anUnansweredLimitFailsClosedOrOpenWithinTheFraction() throws IOException {
    String closedPort = closedPortUri();
    RedisBudgetStore closed = store(RedisBudgetStore.builder().uri(closedPort).namespace("x")
        .timeout(Duration.ofMillis(200)).connectTimeout(Duration.ofMillis(200)));
    LlmClient refusing = client(closed, RateLimit.requestsPerMinute(Scope.TENANT, 100));
    assertThatThrownBy(() -> refusing.chat(ChatRequest.of("hi"), acme)).isInstanceOf(BudgetUnavailableException.class);

    RedisBudgetStore open = store(RedisBudgetStore.builder().uri(closedPort).namespace("x")
        .timeout(Duration.ofMillis(200)).connectTimeout(Duration.ofMillis(200))
        .outagePolicy(OutagePolicy.failOpen("0.1")));
    RedisRateLimits limits = RedisRateLimits.of(open, RateLimit.requestsPerMinute(Scope.TENANT, 100));
    FakeChatModel model = FakeChatModel.builder().recordRequests(false).build();
    LlmClient admitting = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler)
        .step(PipelineStep.ADMISSION, limits).build();
    this.open.add(admitting);
    for (int i = 0; i < 10; i++) {
      admitting.chat(ChatRequest.of("hi"), acme); // 10 % of 100 per minute, locally
    }
    assertThatThrownBy(() -> admitting.chat(ChatRequest.of("hi"), acme)).isInstanceOf(BudgetExceededException.class);
    assertThat(limits.unavailable()).isEqualTo(11);
    assertThat(limits.rejected()).isEqualTo(1);
  }

  private static String closedPortUri() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return "redis://127.0.0.1:" + s.getLocalPort();
    }
  }
}
