/**
 * {@link dev.llmops.otel.OtelInstrumentation}: one GenAI client span per call (child spans per
 * attempt when a call was retried or fell back), the GenAI client metrics, and llmops attributes
 * (prompt, experiment, cost, cache, retries, fallback, shadow), with content capture off by default
 * and redacted when on.
 */
@NullMarked
package dev.llmops.otel;

import org.jspecify.annotations.NullMarked;
