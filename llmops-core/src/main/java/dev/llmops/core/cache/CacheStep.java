package dev.llmops.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import dev.llmops.api.CallInfo;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Cost;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Interceptor;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.pipeline.Endpoints;
import dev.llmops.core.pipeline.Rendering;
import dev.llmops.core.pipeline.Stages;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The cache step of one client, in the {@code CACHE} slot: below admission (a hit's admission
 * reservation is released at once, unspent) and above resilience (a miss is stored once, whatever
 * the retries). Thread-safe.
 */
final class CacheStep implements Interceptor {
  private final ResponseCache config;
  private final Cache<CacheKey, Entry> store;
  private final Endpoints endpoints;
  private final Clock clock;
  private final long ttlMillis;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  CacheStep(ResponseCache config, Cache<CacheKey, Entry> store, Endpoints endpoints, Clock clock, long ttlMillis) {
    this.config = config;
    this.store = store;
    this.endpoints = endpoints;
    this.clock = clock;
    this.ttlMillis = ttlMillis;
  }

  /** How many calls the cache answered. */
  long hits() {
    return hits.sum();
  }

  /** How many cacheable calls it could not answer. */
  long misses() {
    return misses.sum();
  }

  /** Drops every entry. */
  void invalidateAll() {
    store.invalidateAll();
  }

  @Override
  public CompletionStage<ChatResponse> intercept(Chain chain) {
    ChatRequest request = chain.request();
    if (!config.cacheable(request)) {
      return chain.proceed(request);
    }
    String endpoint = endpoints.name(request.model());
    CallInfo call = chain.call();
    CacheKey key = CacheKeys.key(endpoint, request,
        call.attributes().getOrNull(Rendering.KEY));
    Entry entry = store.getIfPresent(key);
    if (entry != null && clock.millis() - entry.storedAtMillis >= ttlMillis) {
      store.asMap().remove(key, entry); // expired: not served, and gone for the next caller
      entry = null;
    }
    if (entry != null) {
      hits.increment();
      Hit hit = entry.hit(key);
      call.attributes().put(ResponseCache.HIT, hit.event());
      call.attributes().put(Cost.KEY, hit.zeroCost());
      chain.publish(hit.event());
      chain.chunks().onChunk(hit.chunk());
      return CompletableFuture.completedFuture(hit.response());
    }
    misses.increment();
    CompletionStage<ChatResponse> answer = chain.proceed(request);
    // An answer that needed no waiting is stored now, without a dependent stage; the caller gets
    // the very stage the steps below returned, as without a cache. (A minimal stage cannot be asked.)
    CompletableFuture<ChatResponse> done = Stages.completedNow(answer);
    if (done != null) {
      if (!done.isCompletedExceptionally()) {
        store(key, endpoint, call, done.join());
      }
      return answer;
    }
    return answer.thenApply(response -> {
      store(key, endpoint, call, response);
      return response;
    });
  }

  private void store(CacheKey key, String endpoint, CallInfo call, ChatResponse response) {
    if (response.finishReason() != FinishReason.CONTENT_FILTER) {
      // Keyed by the endpoint asked for, but attributed to the endpoint that answered (a fallback
      // may have), and a hit saves what the call that produced the answer cost, as accounting
      // recorded them.
      String answeredBy = call.attributes().getOrNull(Endpoints.ANSWERED_BY);
      Cost cost = call.attributes().getOrNull(Cost.KEY);
      store.put(key, new Entry(response, answeredBy == null ? endpoint : answeredBy,
          cost == null ? Cost.unknown(false, "") : cost, clock.millis()));
    }
  }

  /** The response as a hit returns it: no tokens processed, marked in the metadata. */
  private static ChatResponse asHit(ChatResponse response) {
    Map<String, String> metadata = new HashMap<>(response.metadata());
    metadata.put(ResponseCache.METADATA_KEY, "hit");
    return new ChatResponse(
        response.id(), response.model(), response.text(), response.finishReason(), Usage.ZERO,
        response.toolCalls(), metadata);
  }

  /**
   * What every hit on one entry returns, made on its first hit: the answer as a hit returns it, the
   * event (with the key's hex digest and the cost the answer saved), the zero cost of the call and
   * the one chunk a streaming caller gets. Immutable, shared by the entry's hits.
   */
  record Hit(ChatResponse response, ResponseCache.Hit event, Cost zeroCost, ChatChunk chunk) {}

  /**
   * A cached answer: the provider's response as it came, the endpoint that gave it and when (what
   * a miss stores); its {@link Hit} is made on the first hit. Thread-safe: racing first hits build equal
   * values, and either may be kept.
   */
  static final class Entry {
    private final ChatResponse answer;
    private final String endpoint;
    private final Cost saved;
    /** When it was stored, in the client clock's epoch milliseconds. */
    final long storedAtMillis;
    private volatile @Nullable Hit hit;

    Entry(ChatResponse answer, String endpoint, Cost saved, long storedAtMillis) {
      this.answer = answer;
      this.endpoint = endpoint;
      this.saved = saved;
      this.storedAtMillis = storedAtMillis;
    }

    /** What a hit on this entry returns; {@code key} is the key it is stored under. */
    Hit hit(CacheKey key) {
      Hit h = hit;
      if (h == null) {
        ChatResponse response = asHit(answer);
        h = new Hit(response, new ResponseCache.Hit(key.hex(), endpoint, response.model(), saved),
            new Cost(Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, false,
                saved.catalogVersion(), saved.pricedAs()),
            new ChatChunk(0, response.text(), response.finishReason(), response.usage()));
        hit = h;
      }
      return h;
    }
  }
}
