package dev.llmops.spring.boot;

import dev.llmops.core.config.ConfigBindings;

/**
 * A bean that adds to the configuration's bindings (what the {@code llmops.*} properties cannot
 * hold: sinks, a shared budget store, a clock, a seeded random generator) before they are built.
 * Customizers run in {@code @Order} order, after the starter's own bindings.
 */
@FunctionalInterface
public interface LlmOpsBindingsCustomizer {
  /**
   * Adds to {@code bindings}.
   *
   * @param bindings the bindings the starter prepared
   */
  void customize(ConfigBindings.Builder bindings);
}
