package dev.llmops.testkit;

import dev.llmops.api.Cancellable;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.MalformedResponseException;
import dev.llmops.api.Message;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.time.TaskScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A deterministic {@link ChatModel} for tests, with scripted answers and fault injection.
 *
 * <p>What it answers, in order of precedence: pending failures ({@link #failNext}, {@link
 * #failWith}), then queued replies ({@link #reply}, {@link #enqueue}), then the first matching rule
 * ({@link #when}), then text generated from the seed and the last user message (the same request
 * always gets the same text). Latency and the interval between streamed chunks run on the
 * injected {@link TaskScheduler}, so with a {@link ManualScheduler} a test advances time instead
 * of sleeping; with zero latency the answer is ready at once.
 *
 * <p>Usage is computed from the text by a token counter, by default {@link #estimateTokens}: one
 * token per four characters, rounded up (a documented estimate; pass a real tokenizer to {@link
 * Builder#tokenCounter} for exact counts). Every request received is recorded. Thread-safe.
 */
public final class FakeChatModel implements ChatModel {
  private static final String[] WORDS = {
    "the", "answer", "is", "clear", "model", "token", "budget", "prompt", "quickly", "reliable",
    "result", "request", "stream", "cost", "trace", "user", "helpful", "data", "check", "again",
    "simple", "value", "system", "works", "today", "here", "more", "fast", "safe", "each"
  };

  private final ModelInfo info;
  private final long seed;
  private final Duration latency;
  private final Duration chunkInterval;
  private final @Nullable TaskScheduler scheduler;
  private final ToLongFunction<String> tokenCounter;
  private final int wordsPerReply;
  private final boolean recordRequests;

  // Guarded by this.
  private final Deque<FakeReply> failures = new ArrayDeque<>();
  private final Deque<FakeReply> queue = new ArrayDeque<>();
  private final List<Rule> rules = new ArrayList<>();
  private final List<ChatRequest> requests = new ArrayList<>();

  private final AtomicLong responses = new AtomicLong();
  private int calls; // guarded by this
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger cancelled = new AtomicInteger();

  private FakeChatModel(Builder b) {
    this.info = new ModelInfo(b.provider, b.modelId, null, 0);
    this.seed = b.seed;
    this.latency = b.latency;
    this.chunkInterval = b.chunkInterval;
    this.scheduler = b.scheduler;
    this.tokenCounter = b.tokenCounter;
    this.wordsPerReply = b.wordsPerReply;
    this.recordRequests = b.recordRequests;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A fake with default settings: model id {@code fake-model}, no latency. */
  public static FakeChatModel create() {
    return builder().build();
  }

  /** The default token estimate: {@code ceil(chars / 4)}, at least 1 for non-empty text. */
  public static long estimateTokens(String text) {
    return (text.length() + 3L) / 4;
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  // ---- scripting ----

  /** Queues a text answer for the next call. Returns this fake. */
  public FakeChatModel reply(String text) {
    return enqueue(FakeReply.text(text));
  }

  /** Queues answers, one per call, in order. */
  public synchronized FakeChatModel enqueue(FakeReply... replies) {
    for (FakeReply r : replies) {
      queue.add(Objects.requireNonNull(r, "reply"));
    }
    return this;
  }

  /** Makes the next {@code times} calls fail with {@code fault}; later calls answer normally. */
  public synchronized FakeChatModel failNext(int times, Fault fault) {
    if (times < 0) {
      throw new IllegalArgumentException("times must be >= 0 but was " + times);
    }
    for (int i = 0; i < times; i++) {
      failures.add(FakeReply.fault(fault));
    }
    return this;
  }

  /** Starts a failure script: {@code fake.failWith(Fault.overloaded()).times(3)}. */
  public FailureScript failWith(Fault fault) {
    return new FailureScript(this, Objects.requireNonNull(fault, "fault"));
  }

  /** Adds a rule: requests matching {@code condition} get the rule's answer (first match wins). */
  public RuleBuilder when(Predicate<ChatRequest> condition) {
    return new RuleBuilder(this, Objects.requireNonNull(condition, "condition"));
  }

  /** Forgets the script and the recorded requests. */
  public synchronized void reset() {
    failures.clear();
    queue.clear();
    rules.clear();
    requests.clear();
    calls = 0;
    responses.set(0);
    maxInFlight.set(inFlight.get());
    cancelled.set(0);
  }

  // ---- inspection ----

  /** Every request received, in order. */
  public synchronized List<ChatRequest> requests() {
    return List.copyOf(requests);
  }

  /** How many requests were received. */
  public synchronized int callCount() {
    return calls;
  }

  /** The last request received. */
  public synchronized ChatRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new IllegalStateException("no request was received");
    }
    return requests.get(requests.size() - 1);
  }

  /** How many attempts are waiting on latency or streaming right now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** The most attempts that were in flight at once. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  /** How many attempts were cancelled while in flight. */
  public int cancelledCount() {
    return cancelled.get();
  }

  // ---- the model ----

  @Override
  public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
    FakeReply reply;
    synchronized (this) {
      calls++;
      if (recordRequests) {
        requests.add(request);
      }
      reply = next(request);
    }
    Run run = new Run(request, exchange, reply);
    return run.start();
  }

  private FakeReply next(ChatRequest request) {
    FakeReply r = failures.poll();
    if (r != null) {
      return r;
    }
    r = queue.poll();
    if (r != null) {
      return r;
    }
    for (Rule rule : rules) {
      if (rule.condition.test(request)) {
        return Objects.requireNonNull(rule.reply.apply(request), "a rule's answer");
      }
    }
    return generate(request);
  }

  private FakeReply generate(ChatRequest request) {
    SplittableRandom random = new SplittableRandom(seed * 31 + request.lastUserMessage().hashCode());
    Integer max = request.parameters().maxOutputTokens();
    int words = max == null ? wordsPerReply : Math.min(wordsPerReply, max);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(WORDS[random.nextInt(WORDS.length)]);
    }
    sb.append('.');
    FinishReason finish = max != null && max < wordsPerReply ? FinishReason.LENGTH : FinishReason.STOP;
    return FakeReply.text(sb.toString()).withFinishReason(finish);
  }

  private Usage usageFor(ChatRequest request, String text) {
    long input = 0;
    for (Message m : request.messages()) {
      input += Math.max(1, tokenCounter.applyAsLong(m.content()));
    }
    return new Usage(input, tokenCounter.applyAsLong(text), 0, 0, 0, false);
  }

  /**
   * How a fake streams an answer: one chunk per word, each with its trailing space, so the chunks
   * joined give the text back. Tests can use it to predict the chunks.
   */
  public static List<String> chunksOf(String text) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == ' ') {
        pieces.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      pieces.add(text.substring(start));
    }
    return pieces;
  }

  /** One attempt being answered. */
  private final class Run implements Runnable {
    private final ChatRequest request;
    private final ModelExchange exchange;
    private final FakeReply reply;
    private final CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    private final AtomicBoolean tracked = new AtomicBoolean();
    private @Nullable List<String> pieces;
    private int emitted;
    private final StringBuilder partial = new StringBuilder();
    private volatile @Nullable Cancellable pending;

    Run(ChatRequest request, ModelExchange exchange, FakeReply reply) {
      this.request = request;
      this.exchange = exchange;
      this.reply = reply;
    }

    CompletionStage<ChatResponse> start() {
      Fault fault = reply.fault();
      Duration wait = reply.latency() != null ? reply.latency() : latency;
      if (fault != null && fault.kind() == Fault.Kind.HANG) {
        track();
        exchange.onCancel(this::cancelled);
        return result;
      }
      boolean streamsSlowly = exchange.streaming() && !chunkInterval.isZero();
      if (wait.isZero() && !streamsSlowly) {
        run();
        return result;
      }
      track();
      exchange.onCancel(this::cancelled);
      schedule(this, wait);
      return result;
    }

    private void schedule(Runnable task, Duration delay) {
      TaskScheduler s = scheduler;
      if (s == null) {
        throw new IllegalStateException("a FakeChatModel with latency needs a scheduler (Builder.scheduler)");
      }
      pending = s.schedule(task, delay);
    }

    private void track() {
      if (tracked.compareAndSet(false, true)) {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
      }
    }

    private void untrack() {
      if (tracked.compareAndSet(true, false)) {
        inFlight.decrementAndGet();
      }
    }

    private void cancelled() {
      Cancellable p = pending;
      if (p != null) {
        p.cancel();
      }
      if (tracked.get()) {
        cancelled.incrementAndGet();
      }
      untrack();
    }

    /** Answers (first run) or emits the next chunk (later runs). */
    @Override
    public void run() {
      if (exchange.cancelled()) {
        untrack();
        return;
      }
      Fault fault = reply.fault();
      if (fault != null && fault.kind() == Fault.Kind.ERROR) {
        finishExceptionally(fault.exception(info.modelId()));
        return;
      }
      if (!exchange.streaming()) {
        answerWhole(fault);
        return;
      }
      List<String> p = pieces;
      if (p == null) {
        p = chunksOf(reply.text());
        pieces = p;
      }
      int limit = fault != null && fault.kind() == Fault.Kind.STREAM_CUT ? Math.min(fault.cutAfterChunks(), p.size()) : p.size();
      while (emitted < limit) {
        if (exchange.cancelled()) {
          untrack();
          return;
        }
        String piece = p.get(emitted);
        exchange.emit(ChatChunk.text(emitted, piece));
        partial.append(piece);
        emitted++;
        if (!chunkInterval.isZero() && emitted < limit) {
          schedule(this, chunkInterval);
          return;
        }
      }
      if (fault != null && fault.kind() == Fault.Kind.STREAM_CUT) {
        finishExceptionally(
            new StreamInterruptedException(
                "fake: stream cut after " + emitted + " chunks", details(), partial.toString(), null, emitted, true, null));
        return;
      }
      if (fault != null && fault.kind() == Fault.Kind.STREAM_WITHOUT_FINISH) {
        finishExceptionally(
            new StreamInterruptedException(
                "fake: stream ended without a finish reason", details(), partial.toString(), null, emitted, true, null));
        return;
      }
      ChatResponse response = response();
      exchange.emit(new ChatChunk(emitted, "", response.finishReason(), response.usage()));
      finish(response);
    }

    private void answerWhole(@Nullable Fault fault) {
      if (fault != null && fault.kind() == Fault.Kind.STREAM_CUT) {
        finishExceptionally(
            new ProviderUnavailableException("fake: connection closed in the middle of the response body", details()));
      } else if (fault != null && fault.kind() == Fault.Kind.STREAM_WITHOUT_FINISH) {
        finishExceptionally(new MalformedResponseException("fake: response has no finish_reason", details()));
      } else {
        finish(response());
      }
    }

    private ErrorDetails details() {
      return ErrorDetails.of(info.provider(), info.modelId());
    }

    private ChatResponse response() {
      Usage usage = reply.usage() != null ? reply.usage() : usageFor(request, reply.text());
      return new ChatResponse(
          "fake-" + responses.incrementAndGet(),
          info.modelId(),
          reply.text(),
          reply.finishReason(),
          usage,
          reply.toolCalls(),
          Map.of());
    }

    private void finish(ChatResponse response) {
      untrack();
      result.complete(response);
    }

    private void finishExceptionally(Throwable error) {
      untrack();
      result.completeExceptionally(error);
    }
  }

  /** A failure script started by {@link #failWith}. */
  public static final class FailureScript {
    private final FakeChatModel model;
    private final Fault fault;

    private FailureScript(FakeChatModel model, Fault fault) {
      this.model = model;
      this.fault = fault;
    }

    /** The next {@code n} calls fail. */
    public FakeChatModel times(int n) {
      return model.failNext(n, fault);
    }

    /** The next call fails. */
    public FakeChatModel once() {
      return times(1);
    }

    /** Every call fails, until {@link FakeChatModel#reset()}. */
    public FakeChatModel always() {
      return model.when(r -> true).fail(fault);
    }
  }

  /** A rule being added by {@link #when}. */
  public static final class RuleBuilder {
    private final FakeChatModel model;
    private final Predicate<ChatRequest> condition;

    private RuleBuilder(FakeChatModel model, Predicate<ChatRequest> condition) {
      this.model = model;
      this.condition = condition;
    }

    /** Matching requests get {@code text}. */
    public FakeChatModel reply(String text) {
      return reply(FakeReply.text(text));
    }

    /** Matching requests get {@code reply}. */
    public FakeChatModel reply(FakeReply reply) {
      Objects.requireNonNull(reply, "reply");
      return answer(r -> reply);
    }

    /**
     * Matching requests get the reply {@code answer} computes from the request: a fake that
     * follows its prompt (it runs under the fake's lock, so it must be quick and not call back).
     */
    public FakeChatModel answer(Function<ChatRequest, FakeReply> answer) {
      synchronized (model) {
        model.rules.add(new Rule(condition, Objects.requireNonNull(answer, "answer")));
      }
      return model;
    }

    /** Matching requests fail with {@code fault}. */
    public FakeChatModel fail(Fault fault) {
      return reply(FakeReply.fault(fault));
    }
  }

  private record Rule(Predicate<ChatRequest> condition, Function<ChatRequest, FakeReply> reply) {}

  /** Builds a {@link FakeChatModel}. */
  public static final class Builder {
    private String provider = "fake";
    private String modelId = "fake-model";
    private long seed = 42;
    private Duration latency = Duration.ZERO;
    private Duration chunkInterval = Duration.ZERO;
    private @Nullable TaskScheduler scheduler;
    private ToLongFunction<String> tokenCounter = FakeChatModel::estimateTokens;
    private int wordsPerReply = 12;
    private boolean recordRequests = true;

    private Builder() {}

    /**
     * Whether every request is kept for {@link FakeChatModel#requests()} (default true; turn off
     * for long benchmarks and soak tests so memory stays flat).
     */
    public Builder recordRequests(boolean recordRequests) {
      this.recordRequests = recordRequests;
      return this;
    }

    /** The provider name reported in {@link ModelInfo} (default {@code fake}). */
    public Builder provider(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** The model id reported in responses and {@link ModelInfo} (default {@code fake-model}). */
    public Builder modelId(String modelId) {
      this.modelId = Objects.requireNonNull(modelId, "modelId");
      return this;
    }

    /** The seed of generated text (default 42). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How long each answer (or a stream's first chunk) takes; needs a scheduler if non-zero. */
    public Builder latency(Duration latency) {
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency must be >= 0 but was " + latency);
      }
      this.latency = latency;
      return this;
    }

    /** The time between streamed chunks; needs a scheduler if non-zero. */
    public Builder chunkInterval(Duration chunkInterval) {
      if (chunkInterval.isNegative()) {
        throw new IllegalArgumentException("chunkInterval must be >= 0 but was " + chunkInterval);
      }
      this.chunkInterval = chunkInterval;
      return this;
    }

    /** The scheduler latency runs on (a {@link ManualScheduler} in tests). */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** How usage is counted from text (default {@link FakeChatModel#estimateTokens}). */
    public Builder tokenCounter(ToLongFunction<String> tokenCounter) {
      this.tokenCounter = Objects.requireNonNull(tokenCounter, "tokenCounter");
      return this;
    }

    /** How many words generated answers have (default 12). */
    public Builder wordsPerReply(int words) {
      if (words < 1) {
        throw new IllegalArgumentException("wordsPerReply must be >= 1 but was " + words);
      }
      this.wordsPerReply = words;
      return this;
    }

    /**
     * Builds the fake.
     *
     * @throws IllegalStateException if latency or a chunk interval is set without a scheduler
     */
    public FakeChatModel build() {
      if ((!latency.isZero() || !chunkInterval.isZero()) && scheduler == null) {
        throw new IllegalStateException("latency and chunkInterval need a scheduler (Builder.scheduler)");
      }
      return new FakeChatModel(this);
    }
  }

  @Override
  public String toString() {
    return "FakeChatModel[" + info.modelId() + "]";
  }
}
