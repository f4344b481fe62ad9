/**
 * Golden datasets: cases read from JSONL or YAML files, each dataset named and versioned by a hash
 * of its content. See {@code docs/evaluation.md}.
 */
@NullMarked
package dev.llmops.eval.dataset;

import org.jspecify.annotations.NullMarked;
