package dev.llmops.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link dev.llmops.api.spi.ChatModel} says about itself, for pricing, telemetry and the ledger.
 *
 * @param provider the provider's name as the OpenTelemetry GenAI conventions spell it ({@code
 *     openai}, {@code anthropic}, {@code azure.ai.openai}), or {@code fake} for a test double
 * @param modelId the provider model id requests are sent for (for example {@code gpt-4o-mini})
 * @param serverAddress the host requests go to, or null when there is none
 * @param serverPort the port requests go to, or 0 when there is none
 */
public record ModelInfo(String provider, String modelId, @Nullable String serverAddress, int serverPort) {

  /** Checks the components. */
  public ModelInfo {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(modelId, "modelId");
    if (serverPort < 0 || serverPort > 65535) {
      throw new IllegalArgumentException("serverPort must be in [0, 65535] but was " + serverPort);
    }
  }

  /** Information with no server. */
  public static ModelInfo of(String provider, String modelId) {
    return new ModelInfo(provider, modelId, null, 0);
  }
}
