package dev.llmops.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Cost;
import dev.llmops.api.CostSaving;
import dev.llmops.core.pipeline.Capability;
import dev.llmops.core.pipeline.Durations;
import dev.llmops.core.pipeline.Wiring;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * An exact-match response cache (Caffeine) for deterministic requests: temperature 0, or any
 * request when {@link Builder#allowNonDeterministic} is set. A hit answers without a model call,
 * costs nothing, is marked on the completion ({@link #HIT}, response metadata {@value
 * #METADATA_KEY}={@code hit}) and is recorded in the ledger with the cost it saved. Turn it on
 * with {@code LlmClient.builder().cache(ResponseCache.builder().build())}.
 *
 * <p>Only complete answers are cached (finish reason stop, length or tool calls); failures, cut
 * streams and filtered answers never are. Thread-safe.
 */
@SuppressWarnings("exports") // Capability is the client's unexported wiring contract; see Capability
public final class ResponseCache implements Capability {
  /** The call attribute set on a cache hit. */
  public static final AttributeKey<Hit> HIT = AttributeKey.of("llmops.cache.hit", Hit.class);

  /** The response metadata key set to {@code hit} on a cached answer. */
  public static final String METADATA_KEY = "llmops.cache";

  private final long maximumSize;
  private final Duration expireAfterWrite;
  private final boolean allowNonDeterministic;
  private final Executor executor;
  /** The steps installed in clients, each with its own store. */
  private final List<CacheStep> installed = new CopyOnWriteArrayList<>();

  private ResponseCache(Builder b) {
    this.executor = b.executor;
    this.maximumSize = b.maximumSize;
    this.expireAfterWrite = b.expireAfterWrite;
    this.allowNonDeterministic = b.allowNonDeterministic;
  }

  /**
   * A new builder: 10,000 entries, one hour, deterministic requests only, maintenance on the
   * calling thread.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** True when {@code request} may be answered from the cache. */
  public boolean cacheable(ChatRequest request) {
    if (allowNonDeterministic) {
      return true;
    }
    Double t = request.parameters().temperature();
    return t != null && t == 0.0;
  }

  /**
   * The canonical hash key of {@code request} sent to {@code endpoint} (SHA-256, hex): the key of a
   * call without a prompt. A call the prompt step rendered is keyed on the prompt version and its
   * variables instead, so its key differs from this one even when the rendered text is the same.
   */
  public static String key(String endpoint, ChatRequest request) {
    return CacheKeys.of(Objects.requireNonNull(endpoint, "endpoint"), Objects.requireNonNull(request, "request"));
  }

  /**
   * Installs the cache step, with a store of its own, into a client being built; {@code
   * LlmClient.Builder} calls it, applications do not.
   */
  @Override
  public void install(Wiring wiring) {
    // Bounded by size only: each entry carries the time it was stored, and a lookup does not
    // serve (and removes) one older than expireAfterWrite. That costs the store no clock reads
    // and no expiry order to maintain; an expired entry nobody asks for again leaves by size.
    Cache<CacheKey, CacheStep.Entry> store =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .executor(executor)
            .build();
    CacheStep step = new CacheStep(this, store, wiring.endpoints(), wiring.clock(), Durations.ceilMillis(expireAfterWrite));
    installed.add(step);
    wiring.interceptor(step);
  }

  /** How many calls this cache answered, in every client it is installed in. */
  public long hits() {
    return installed.stream().mapToLong(CacheStep::hits).sum();
  }

  /** How many cacheable calls it could not answer, in every client it is installed in. */
  public long misses() {
    return installed.stream().mapToLong(CacheStep::misses).sum();
  }

  /** Drops every entry, in every client this cache is installed in. */
  public void invalidateAll() {
    installed.forEach(CacheStep::invalidateAll);
  }

  /** Builds a {@link ResponseCache}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private long maximumSize = 10_000;
    private Duration expireAfterWrite = Duration.ofHours(1);
    private boolean allowNonDeterministic;
    private Executor executor = Runnable::run;

    private Builder() {}

    /**
     * Sets the most entries kept (default 10,000).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder maximumSize(long entries) {
      if (entries < 1) {
        throw new IllegalArgumentException("maximumSize must be >= 1 but was " + entries);
      }
      this.maximumSize = entries;
      return this;
    }

    /**
     * Sets how long an answer is served (default one hour), on the client's clock: a lookup
     * never serves an answer stored longer ago, and removes it. Entries no call asks for again
     * leave as the store evicts by size.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder expireAfterWrite(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isZero() || ttl.isNegative()) {
        throw new IllegalArgumentException("expireAfterWrite must be positive but was " + ttl);
      }
      this.expireAfterWrite = ttl;
      return this;
    }

    /** Also caches requests with a temperature above 0 or none set (default false). */
    public Builder allowNonDeterministic(boolean allow) {
      this.allowNonDeterministic = allow;
      return this;
    }

    /**
     * Sets where the store's maintenance runs: evicting entries over {@link #maximumSize},
     * keeping its eviction order. Default: the calling thread, amortised
     * over the calls that store answers (taken only when no other thread holds the store's lock,
     * so callers never wait for each other). Handing it to a pool such as {@link
     * java.util.concurrent.ForkJoinPool#commonPool()} moves that work off the caller but wakes a pool
     * thread for nearly every stored answer when calls arrive one by one; on small machines the
     * hand-off costs more than the work. The executor must not block. Lookups never depend on it:
     * until maintenance runs the store may briefly hold more than its maximum.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Builds the cache configuration. */
    public ResponseCache build() {
      return new ResponseCache(this);
    }
  }

  /**
   * A call answered from the response cache: the event published to listeners and the call
   * attribute {@link ResponseCache#HIT} on the {@link dev.llmops.api.Completion}. The accounting
   * step records it in the ledger at zero cost with {@link #saved()}.
   *
   * @param key the cache key (a SHA-256 hex hash; it reveals nothing of the prompt or its variables)
   * @param endpoint the endpoint the call would have gone to
   * @param model the model whose earlier answer was reused
   * @param saved what that answer cost when it was made
   */
  public record Hit(String key, String endpoint, String model, Cost saved) implements CostSaving {

    @Override
    public String name() {
      return "llmops.cache.hit";
    }
  }
}
