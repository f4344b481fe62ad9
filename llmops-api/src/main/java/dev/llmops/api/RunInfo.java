package dev.llmops.api;

import java.util.Objects;

/**
 * An agent run, as {@link CallListener}s see it. One run may be carried on several times (started,
 * then resumed, approved, decided; maybe on other replicas): each is one {@code runStart} ...
 * {@code runEnd} pair with the same {@code runId}. Immutable and thread-safe.
 *
 * @param runId the run's id
 * @param agentName the agent's name
 * @param provider the provider of the model endpoint the agent calls ({@code openai}, ...)
 * @param model the provider model id of that endpoint
 */
public record RunInfo(String runId, String agentName, String provider, String model) {
  /** Checks that no component is null. */
  public RunInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(agentName, "agentName");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
  }
}
