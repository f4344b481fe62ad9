package dev.llmops.spring.boot;

import dev.llmops.core.LlmClient;

/**
 * A bean that adds to the auto-configured client's builder before it is built: interceptors,
 * further models, a clock. Customizers run in {@code @Order} order, after the configuration and the
 * {@code CallListener} beans were applied.
 */
@FunctionalInterface
public interface LlmClientCustomizer {
  /**
   * Adds to {@code builder}.
   *
   * @param builder the client builder the configuration produced
   */
  void customize(LlmClient.Builder builder);
}
