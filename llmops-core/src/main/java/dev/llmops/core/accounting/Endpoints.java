package dev.llmops.core.accounting;

import dev.llmops.api.ModelInfo;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client's model endpoints as the cost steps see them: which endpoint a request goes to and
 * which provider model it runs. Built by the client; immutable.
 *
 * @param models the model of each endpoint by name
 * @param defaultEndpoint the endpoint for requests that name none
 */
public record Endpoints(Map<String, ModelInfo> models, String defaultEndpoint) {

  /** Copies the map. */
  public Endpoints {
    models = Map.copyOf(models);
    Objects.requireNonNull(defaultEndpoint, "defaultEndpoint");
  }

  /** The endpoint a request naming {@code requested} goes to. */
  public String name(@Nullable String requested) {
    return requested == null ? defaultEndpoint : requested;
  }

  /** The model of endpoint {@code name}, or null when there is no such endpoint. */
  public @Nullable ModelInfo model(String name) {
    return models.get(name);
  }
}
