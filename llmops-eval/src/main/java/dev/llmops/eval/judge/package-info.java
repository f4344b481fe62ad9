/**
 * LLM-as-judge: a rubric prompt from the prompt registry (so it is versioned), its calls made
 * through an {@code LlmClient} (costed, budgeted, cached, fingerprinted), its JSON reply parsed
 * strictly; pairwise comparison with the order swapped to cancel position bias; and calibration
 * against human labels (agreement and Cohen's kappa).
 */
@NullMarked
package dev.llmops.eval.judge;

import org.jspecify.annotations.NullMarked;
