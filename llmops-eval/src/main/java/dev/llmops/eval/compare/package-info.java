/**
 * Comparing a candidate with a baseline, paired per case: the exact McNemar test, a seeded paired
 * bootstrap, a per-tag breakdown and a verdict against the thresholds of a {@link
 * dev.llmops.eval.compare.GatePolicy}; and baseline files, meant to be committed.
 */
@NullMarked
package dev.llmops.eval.compare;

import org.jspecify.annotations.NullMarked;
