/**
 * Experiments: deterministic, GrowthBook-compatible assignment of a call's subject to a variant
 * (A/B tests and canaries), forced variants, kill switch and overrides, and shadow traffic to a
 * candidate variant. Install with {@code LlmClient.builder().experiments(Experiments...)}; see
 * {@code docs/experiments.md}.
 */
@NullMarked
package dev.llmops.core.experiment;

import org.jspecify.annotations.NullMarked;
