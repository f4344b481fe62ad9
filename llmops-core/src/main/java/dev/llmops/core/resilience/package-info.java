/**
 * Resilience for model calls: an overall deadline and per-attempt timeout, retries with jittered
 * exponential backoff that honour {@code Retry-After}, a circuit breaker and a bulkhead per model
 * endpoint, and a fallback chain to other endpoints, correct for streams. Configure it with
 * {@link dev.llmops.core.resilience.Resilience#builder()} and install it with {@code
 * LlmClient.Builder.resilience(...)}. Failsafe is the engine underneath.
 */
@NullMarked
package dev.llmops.core.resilience;

import org.jspecify.annotations.NullMarked;
