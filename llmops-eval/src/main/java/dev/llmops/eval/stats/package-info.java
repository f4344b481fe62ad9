/**
 * The statistics of an evaluation: Wilson score intervals for pass rates, the exact McNemar test
 * for paired pass/fail, a seeded paired bootstrap interval for a mean score difference, Cohen's
 * kappa for judge calibration, and Holm's adjustment for many comparisons. Distributions, tests and
 * quantiles come from Apache Commons Statistics. See {@code docs/evaluation.md} for definitions and
 * sources.
 */
@NullMarked
package dev.llmops.eval.stats;

import org.jspecify.annotations.NullMarked;
