package dev.llmops.core.cache;

import dev.llmops.api.Cost;
import dev.llmops.api.CostSaving;

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
public record CacheHit(String key, String endpoint, String model, Cost saved) implements CostSaving {

  @Override
  public String name() {
    return "llmops.cache.hit";
  }
}
