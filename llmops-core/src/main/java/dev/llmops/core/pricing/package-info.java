/**
 * Model prices: a catalog in LiteLLM's {@code model_prices_and_context_window.json} format, exact
 * per-token rates (cache read and write, reasoning, tiers above a token threshold), and the cost
 * of a {@link dev.llmops.api.Usage}.
 */
@NullMarked
package dev.llmops.core.pricing;

import org.jspecify.annotations.NullMarked;
