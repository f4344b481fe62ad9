package dev.llmops.core.pipeline;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A client's model endpoints: each name with its model, what the model runs on, and its price,
 * resolved once when the client is built. Immutable and thread-safe.
 */
public final class Endpoints {
  /**
   * The endpoint whose attempt gave the call's answer (a fallback's, when one answered), recorded
   * by the accounting step when an attempt succeeds; the cache attributes a stored answer to it.
   */
  public static final AttributeKey<String> ANSWERED_BY = AttributeKey.internal("llmops.answered_by", String.class);

  private final Map<String, Endpoint> byName;
  private final String defaultName;

  private Endpoints(Map<String, Endpoint> byName, String defaultName) {
    this.byName = byName;
    this.defaultName = defaultName;
  }

  /**
   * The endpoints of {@code models}, priced from {@code catalog} (unpriced when it is null or has
   * no price for a model).
   *
   * @throws IllegalArgumentException if {@code defaultName} is not one of them
   */
  public static Endpoints of(Map<String, ChatModel> models, String defaultName, @Nullable PriceCatalog catalog) {
    Map<String, Endpoint> byName = new LinkedHashMap<>();
    models.forEach((name, model) -> {
      ModelInfo info = model.info();
      ModelPrice price = catalog == null ? null : catalog.find(info.provider(), info.modelId()).orElse(null);
      byName.put(name, new Endpoint(name, model, info, price));
    });
    if (!byName.containsKey(Objects.requireNonNull(defaultName, "defaultName"))) {
      throw new IllegalArgumentException("default endpoint '" + defaultName + "' is not registered");
    }
    return new Endpoints(Map.copyOf(byName), defaultName);
  }

  /** The endpoint a request naming {@code requested} goes to: that name, or the default when null. */
  public String name(@Nullable String requested) {
    return requested == null ? defaultName : requested;
  }

  /** The endpoint {@code name}, or null when the client has none of that name. */
  public @Nullable Endpoint get(String name) {
    return byName.get(name);
  }

  /** The endpoint a request naming {@code requested} goes to, or null when there is no such endpoint. */
  public @Nullable Endpoint resolve(@Nullable String requested) {
    return byName.get(name(requested));
  }

  /** The endpoint names. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** The endpoint of requests that name none. */
  public String defaultName() {
    return defaultName;
  }

  /**
   * One endpoint.
   *
   * @param name the name requests use
   * @param model the model behind it
   * @param info what the model runs on (provider, model id)
   * @param price the model's price, or null when the catalog has none
   */
  public record Endpoint(String name, ChatModel model, ModelInfo info, @Nullable ModelPrice price) {}
}
