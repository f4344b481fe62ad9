/**
 * Evaluators: one small SPI ({@link dev.llmops.eval.evaluator.Evaluator}: a score in [0, 1],
 * pass/fail and a short reason per answer) and the built-in checks in {@link
 * dev.llmops.eval.evaluator.Evaluators}, with the reference metrics of {@link
 * dev.llmops.eval.evaluator.TextMetrics}.
 */
@NullMarked
package dev.llmops.eval.evaluator;

import org.jspecify.annotations.NullMarked;
