package dev.llmops.core.pipeline;

/**
 * How a capability joins a client: prompts, experiments, budgets and rate limits, the response
 * cache, resilience and accounting each implement this one method. {@code LlmClient.Builder.build()}
 * calls {@link #install} once per client, with a {@link Wiring} bound to the capability's slot of
 * the pipeline; the capability adds its interceptor (and, where it needs one, a listener) and reads
 * the client's clock, scheduler and endpoints from it. Applications never call it: they configure a
 * capability and hand it to the builder.
 */
public interface Capability {

  /**
   * Adds this capability to the client being built.
   *
   * @throws dev.llmops.api.ConfigurationException if the configuration does not fit the client
   *     (a fallback or variant naming an endpoint the client does not have, say)
   */
  void install(Wiring wiring);
}
