/**
 * The command-line gate, for CI pipelines that are not JUnit: {@link
 * dev.llmops.eval.cli.EvalCommand} runs an {@link dev.llmops.eval.cli.EvalSuite} or compares two
 * result files, writes the reports, and exits non-zero on a regression.
 */
@NullMarked
package dev.llmops.eval.cli;

import org.jspecify.annotations.NullMarked;
