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
import dev.llmops.api.PromptRef;
import dev.llmops.api.Usage;
import dev.llmops.api.ModelInfo;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.Endpoints;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.resilience.FallbackTaken;
import dev.llmops.core.resilience.Resilience;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The cache step of one client, in the {@code CACHE} slot: below admission (a hit's admission
 * reservation is released at once, unspent) and above resilience (a miss is stored once, whatever
 * the retries). Thread-safe.
 */
public final class CacheStep implements Interceptor {
  private final ResponseCache config;
  private final Cache<CacheKey, Entry> store;
  private final Endpoints endpoints;
  private final Accounting accounting;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  CacheStep(ResponseCache config, Cache<CacheKey, Entry> store, Endpoints endpoints, Accounting accounting) {
    this.config = config;
    this.store = store;
    this.endpoints = endpoints;
    this.accounting = accounting;
  }

  /** How many calls the cache answered. */
  public long hits() {
    return hits.get();
  }

  /** How many cacheable calls it could not answer. */
  public long misses() {
    return misses.get();
  }

  /** Drops every entry. */
  public void invalidateAll() {
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
        call.attributes().getOrNull(PromptRegistry.VERSION_KEY), call.attributes().getOrNull(PromptRef.KEY),
        call.attributes().getOrNull(PromptRegistry.RENDERED_KEY));
    Entry hit = store.getIfPresent(key);
    if (hit != null) {
      hits.incrementAndGet();
      ChatResponse response = hit.response();
      Cost saved = hit.cost(endpoints, accounting);
      CacheHit event = new CacheHit(hit.key(), hit.endpoint(), response.model(), saved);
      call.attributes().put(ResponseCache.HIT, event);
      call.attributes().put(Cost.KEY, new Cost(Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO,
          Money.ZERO, false, saved.catalogVersion(), saved.pricedAs()));
      chain.publish(event);
      chain.chunks().onChunk(new ChatChunk(0, response.text(), response.finishReason(), response.usage()));
      return CompletableFuture.completedFuture(response);
    }
    misses.incrementAndGet();
    return chain.proceed(request).thenApply(response -> {
      if (response.finishReason() != FinishReason.CONTENT_FILTER) {
        // Keyed by the endpoint asked for, but priced and attributed as the endpoint that answered
        // (a fallback may have), so a hit's saving is what that answer really cost.
        FallbackTaken fallback = call.attributes().getOrNull(Resilience.FALLBACK);
        store.put(key, new Entry(key, response, fallback == null ? endpoint : fallback.to()));
      }
      return response;
    });
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
   * A cached answer. The answer as a hit returns it, and what it cost, are made on the first hit
   * (a miss stores the provider's response as it is). Thread-safe: racing first hits build equal
   * values, and either may be kept.
   */
  static final class Entry {
    private final CacheKey key;
    private final ChatResponse answer;
    private final String endpoint;
    private volatile @Nullable String keyHex;
    private volatile @Nullable ChatResponse hit;
    private volatile @Nullable Cost cost;

    Entry(CacheKey key, ChatResponse answer, String endpoint) {
      this.key = key;
      this.answer = answer;
      this.endpoint = endpoint;
    }

    /** The key as hex, made on the first hit. */
    String key() {
      String k = keyHex;
      if (k == null) {
        k = key.hex();
        keyHex = k;
      }
      return k;
    }

    /** The endpoint that gave the answer. */
    String endpoint() {
      return endpoint;
    }

    ChatResponse response() {
      ChatResponse h = hit;
      if (h == null) {
        h = asHit(answer);
        hit = h;
      }
      return h;
    }

    /** What the answer cost when the model gave it: the saving of each hit. */
    Cost cost(Endpoints endpoints, Accounting accounting) {
      Cost c = cost;
      if (c == null) {
        ModelInfo model = endpoints.model(endpoint);
        c = model == null
            ? Cost.unknown(false, accounting.catalog().version())
            : accounting.cost(model, answer.model(), answer.usage());
        cost = c;
      }
      return c;
    }
  }
}
