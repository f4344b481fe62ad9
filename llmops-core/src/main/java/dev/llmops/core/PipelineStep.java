package dev.llmops.core;

/**
 * The fixed slots of the call pipeline, outermost first. Each capability installs its interceptor
 * in its own slot; an application's interceptors in a slot run after the capability's, in the
 * order added. Telemetry is a listener, not a slot: it sees every call and attempt from the
 * listener events. See {@code docs/architecture.md} for what each slot is for.
 */
public enum PipelineStep {
  /** The application's own interceptors ({@link LlmClient.Builder#interceptor}). */
  APPLICATION,
  /**
   * Experiment assignment: subject to variant (model, prompt label or version, parameters); shadow
   * copy. Before {@link #PROMPT}, so that a variant can choose the prompt version to render.
   */
  EXPERIMENT,
  /** Prompt name and label resolved to a pinned version and rendered into messages. */
  PROMPT,
  /** Budget reservation, quotas and rate limits; may reject or downgrade the call. */
  ADMISSION,
  /** Exact-match response cache for deterministic requests. */
  CACHE,
  /** Deadline, retries, circuit breaker, bulkhead and fallback; calls below it once per attempt. */
  RESILIENCE,
  /** Usage to cost per attempt, reservation settlement, ledger record. */
  ACCOUNTING,
  /** The application's per-attempt interceptors ({@link LlmClient.Builder#attemptInterceptor}). */
  ATTEMPT
}
