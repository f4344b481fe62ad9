package dev.llmops.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.FinishReason;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The cache step through a real client: what it answers, what it stores, where maintenance runs. */
class CacheStepTest {
  private static final PromptVersion SUPPORT = PromptVersion.builder("support", 1)
      .system("Answer.{{#flag}} Flagged.{{/flag}} Value {{flag}}.").user("{{question}}").build();

  /** What a model named {@code name} answers to {@code request}: a function of all it receives. */
  private static String answer(String name, List<Message> messages, GenerationParameters parameters) {
    return name + "|" + messages + "|" + parameters;
  }

  private static ChatModel echo(String name, AtomicInteger calls) {
    return (request, exchange) -> {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture(ChatResponse.of("r", "m-" + name,
          answer(name, request.messages(), request.parameters()), FinishReason.STOP, Usage.of(3, 2)));
    };
  }

  /** One call: to which endpoint, through the prompt or not, with what text, flag and parameters. */
  record Spec(String endpoint, boolean prompt, String question, @Nullable Object flag, double temperature,
      int maxTokens) {

    Spec {
      // A plain call has no variables: the flag cannot make it another call.
      flag = prompt ? flag : null;
    }

    GenerationParameters parameters() {
      return GenerationParameters.builder().temperature(temperature).maxOutputTokens(maxTokens).build();
    }

    Completion call(LlmClient client) {
      ChatRequest.Builder request = ChatRequest.builder().model(endpoint).parameters(parameters());
      if (!prompt) {
        return client.chat(request.user(question).build());
      }
      return client.prompt("support").variable("question", question).variable("flag", flagValue())
          .request(request.build()).call();
    }

    Object flagValue() {
      Object f = flag;
      return f == null ? "" : f;
    }

    String expectedAnswer() {
      List<Message> messages = prompt
          ? SUPPORT.render(Map.of("question", question, "flag", flagValue())).messages()
          : List.of(Message.user(question));
      return answer(endpoint, messages, parameters());
    }
  }

  @Provide
  Arbitrary<Spec> specs() {
    return Combinators.combine(
        Arbitraries.of("a", "b"), Arbitraries.of(true, false), Arbitraries.of("q", "Q"),
        Arbitraries.of(false, "false", 1, 1L, "1", new java.math.BigDecimal("1.0"), new java.math.BigDecimal("1.00")),
        Arbitraries.of(0.0, -0.0), Arbitraries.of(1, 2))
        .as(Spec::new);
  }

  @Provide
  Arbitrary<List<Spec>> sequences() {
    return specs().list().ofMaxSize(40);
  }

  /**
   * Whatever the sequence of calls, each gets the answer to its own request, and it is a hit
   * exactly when the same call (type-strict: Long 1 is not Integer 1) was made before.
   */
  @Property(tries = 100)
  void theCacheNeverAnswersARequestWithAnotherRequestsAnswer(@ForAll("sequences") List<Spec> calls) {
    AtomicInteger modelCalls = new AtomicInteger();
    Set<Spec> seen = new HashSet<>();
    try (LlmClient client = client(ResponseCache.builder().executor(Runnable::run).build(), modelCalls)) {
      for (Spec spec : calls) {
        Completion c = spec.call(client);
        assertThat(c.text()).isEqualTo(spec.expectedAnswer());
        boolean repeated = !seen.add(spec);
        assertThat(c.attribute(ResponseCache.HIT).isPresent()).as("hit for %s", spec).isEqualTo(repeated);
        assertThat(c.attempts()).isEqualTo(repeated ? 0 : 1);
      }
    }
    assertThat(modelCalls).hasValue(seen.size());
  }

  @Test
  void hitsShareOneEventWhoseKeyIsTheDocumentedDigest() {
    AtomicInteger calls = new AtomicInteger();
    ChatRequest request = ChatRequest.builder().model("a").user("capital of France?").temperature(0).build();
    try (LlmClient client = client(ResponseCache.builder().build(), calls)) {
      Completion miss = client.chat(request);
      Completion first = client.chat(request);
      Completion second = client.chat(request);

      assertThat(miss.attribute(ResponseCache.HIT)).isEmpty();
      ResponseCache.Hit hit = first.attribute(ResponseCache.HIT).orElseThrow();
      assertThat(hit.key()).isEqualTo(ResponseCache.key("a", request)).hasSize(64);
      assertThat(hit.endpoint()).isEqualTo("a");
      assertThat(hit.model()).isEqualTo("m-a");
      assertThat(second.attribute(ResponseCache.HIT)).containsSame(hit);
      assertThat(second.response().metadata()).containsEntry(ResponseCache.METADATA_KEY, "hit");
      assertThat(second.usage()).isEqualTo(Usage.ZERO);
      assertThat(second.attribute(Cost.KEY).flatMap(Cost::amount)).hasValue(Money.ZERO);
      assertThat(second.text()).isEqualTo(miss.text());
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void aPromptCallsHitReportsItsOwnDigestNotTheRenderedRequests() {
    AtomicInteger calls = new AtomicInteger();
    Spec spec = new Spec("a", true, "q", "x", 0.0, 5);
    try (LlmClient client = client(ResponseCache.builder().build(), calls)) {
      spec.call(client);
      ResponseCache.Hit hit = spec.call(client).attribute(ResponseCache.HIT).orElseThrow();
      ChatRequest rendered = ChatRequest.builder()
          .messages(SUPPORT.render(Map.of("question", "q", "flag", "x")).messages()).parameters(spec.parameters())
          .build();
      assertThat(hit.key()).hasSize(64).isNotEqualTo(ResponseCache.key("a", rendered));
    }
  }

  @Test
  void anAnswerThatComesLaterIsStoredWhenItComesAndAFailureIsNot() {
    List<CompletableFuture<ChatResponse>> pending = new CopyOnWriteArrayList<>();
    ChatModel later = (request, exchange) -> {
      CompletableFuture<ChatResponse> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    };
    ChatRequest request = ChatRequest.builder().user("later").temperature(0).build();
    try (LlmClient client = LlmClient.builder().model("a", later)
        .cache(ResponseCache.builder().executor(Runnable::run).build()).build()) {
      CompletableFuture<Completion> failing = client.chatAsync(request);
      pending.get(0).completeExceptionally(new IllegalStateException("boom"));
      assertThat(failing).isCompletedExceptionally();

      CompletableFuture<Completion> first = client.chatAsync(request);
      assertThat(pending).hasSize(2);
      pending.get(1).complete(ChatResponse.of("r", "m", "late answer", FinishReason.STOP, Usage.of(1, 1)));
      assertThat(first.join().text()).isEqualTo("late answer");

      Completion second = client.chat(request);
      assertThat(second.text()).isEqualTo("late answer");
      assertThat(second.attribute(ResponseCache.HIT)).isPresent();
      assertThat(pending).hasSize(2);
    }
  }

  /**
   * A step below the cache may return any stage: a completed plain future, another completed
   * {@code CompletableFuture} class, or a minimal stage (whose queries throw). Each is stored.
   */
  @Test
  void anyStageFromBelowIsStored() {
    List<Function<CompletableFuture<ChatResponse>, CompletionStage<ChatResponse>>> shapes = List.of(
        f -> f, CompletableFuture::minimalCompletionStage, f -> {
          CompletableFuture<ChatResponse> sub = new CompletableFuture<>() {};
          var unused = f.whenComplete((r, e) -> sub.complete(r));
          return sub;
        });
    for (Function<CompletableFuture<ChatResponse>, CompletionStage<ChatResponse>> shape : shapes) {
      AtomicInteger calls = new AtomicInteger();
      ChatRequest request = ChatRequest.builder().user("q").temperature(0).build();
      try (LlmClient client = LlmClient.builder().model("a", echo("a", calls))
          .step(PipelineStep.RESILIENCE, chain -> shape.apply(chain.proceed(chain.request()).toCompletableFuture()))
          .cache(ResponseCache.builder().build()).build()) {
        Completion first = client.chat(request);
        Completion second = client.chat(request);
        assertThat(second.attribute(ResponseCache.HIT)).isPresent();
        assertThat(second.text()).isEqualTo(first.text());
      }
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void countsHitsAndMissesOfCacheableCallsOnly() {
    AtomicInteger calls = new AtomicInteger();
    ChatModel model = echo("a", calls);
    ResponseCache step = ResponseCache.builder().build();
    ChatRequest request = ChatRequest.builder().user("q").temperature(0).build();
    try (LlmClient client = LlmClient.builder().model("a", model).cache(step).build()) {
      client.chat(request);
      client.chat(request);
      client.chat(request);
      client.chat(ChatRequest.of("not deterministic"));
      assertThat(step.misses()).isEqualTo(1);
      assertThat(step.hits()).isEqualTo(2);

      step.invalidateAll();
      assertThat(client.chat(request).attempts()).isEqualTo(1);
    }
    assertThat(step.misses()).isEqualTo(2);
    assertThat(calls).hasValue(3);
  }

  @Test
  void aFilteredAnswerIsNotStored() {
    AtomicInteger calls = new AtomicInteger();
    ChatModel filtered = (request, exchange) -> {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture(
          ChatResponse.of("r", "m", "", FinishReason.CONTENT_FILTER, Usage.of(1, 0)));
    };
    ChatRequest request = ChatRequest.builder().user("q").temperature(0).build();
    try (LlmClient client = LlmClient.builder().model("a", filtered).cache(ResponseCache.builder().build()).build()) {
      client.chat(request);
      assertThat(client.chat(request).attribute(ResponseCache.HIT)).isEmpty();
    }
    assertThat(calls).hasValue(2);
  }

  @Test
  void evictionWaitsForTheMaintenanceExecutor() {
    Queue<Runnable> maintenance = new ArrayDeque<>();
    AtomicInteger calls = new AtomicInteger();
    ChatRequest one = ChatRequest.builder().model("a").user("one").temperature(0).build();
    ChatRequest two = ChatRequest.builder().model("a").user("two").temperature(0).build();
    try (LlmClient client = client(ResponseCache.builder().maximumSize(1).executor(maintenance::add).build(), calls)) {
      client.chat(one);
      client.chat(two);
      assertThat(maintenance).isNotEmpty();
      // Over the maximum until maintenance runs: both are still answered from the cache.
      assertThat(client.chat(one).attempts()).isZero();
      assertThat(client.chat(two).attempts()).isZero();
      assertThat(calls).hasValue(2);

      runAll(maintenance);
      // One of the two was evicted (which one is the eviction policy's choice).
      client.chat(one);
      client.chat(two);
      assertThat(calls).hasValue(3);
    }
  }

  /** The default: maintenance on the calling thread, so the store is back at its maximum at once. */
  @Test
  void byDefaultEvictionIsImmediate() {
    AtomicInteger calls = new AtomicInteger();
    ChatRequest one = ChatRequest.builder().model("a").user("one").temperature(0).build();
    ChatRequest two = ChatRequest.builder().model("a").user("two").temperature(0).build();
    try (LlmClient client = client(ResponseCache.builder().maximumSize(1).build(), calls)) {
      client.chat(one);
      client.chat(two);
      client.chat(one);
      client.chat(two);
    }
    assertThat(calls.get()).isGreaterThan(2);
  }

  /** A clock a test moves by hand. */
  static final class HandClock extends java.time.Clock {
    private final java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000L);

    void advance(java.time.Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
    @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public java.time.Instant instant() { return java.time.Instant.ofEpochMilli(millis.get()); }
    @Override public long millis() { return millis.get(); }
  }

  @Test
  void anAnswerIsServedUntilItsTimeToLiveEndsOnTheClientsClock() {
    HandClock clock = new HandClock();
    AtomicInteger calls = new AtomicInteger();
    ChatRequest one = ChatRequest.builder().model("a").user("one").temperature(0).build();
    try (LlmClient client = LlmClient.builder().model("a", echo("a", calls)).clock(clock)
        .cache(ResponseCache.builder().expireAfterWrite(java.time.Duration.ofMinutes(10)).build()).build()) {
      client.chat(one);
      clock.advance(java.time.Duration.ofMinutes(10).minusMillis(1));
      assertThat(client.chat(one).attempts()).as("one millisecond before it expires: a hit").isZero();
      clock.advance(java.time.Duration.ofMillis(1));
      assertThat(client.chat(one).attempts()).as("at its time to live: asked again").isEqualTo(1);
      assertThat(calls).hasValue(2);
      // The fresh answer is stored anew and served for another ten minutes.
      clock.advance(java.time.Duration.ofMinutes(9));
      assertThat(client.chat(one).attempts()).isZero();
      assertThat(calls).hasValue(2);
    }
  }

  @Test
  void theExecutorIsRequired() {
    assertThatThrownBy(() -> ResponseCache.builder().executor(nullExecutor()))
        .isInstanceOf(NullPointerException.class).hasMessage("executor");
  }

  @SuppressWarnings("NullAway")
  private static java.util.concurrent.Executor nullExecutor() {
    return null;
  }

  private static void runAll(Queue<Runnable> tasks) {
    for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
      task.run();
    }
  }

  private static LlmClient client(ResponseCache cache, AtomicInteger calls) {
    PromptRegistry prompts = PromptRegistry.builder()
        .source(InMemoryPromptSource.builder().add(SUPPORT).label("support", "production", 1).build())
        .executor(Runnable::run)
        .build();
    return LlmClient.builder().model("a", echo("a", calls)).model("b", echo("b", calls)).prompts(prompts)
        .cache(cache).build();
  }
}
