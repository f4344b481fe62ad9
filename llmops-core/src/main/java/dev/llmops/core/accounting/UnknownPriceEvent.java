package dev.llmops.core.accounting;

import dev.llmops.api.CallEvent;

/**
 * Published before an attempt to a model the price catalog does not know; its cost will be
 * recorded as unknown.
 *
 * @param endpoint the endpoint name
 * @param provider the provider
 * @param model the provider model id
 * @param catalogVersion the catalog searched
 */
public record UnknownPriceEvent(String endpoint, String provider, String model, String catalogVersion)
    implements CallEvent {

  @Override
  public String name() {
    return "llmops.accounting.unknown_price";
  }
}
