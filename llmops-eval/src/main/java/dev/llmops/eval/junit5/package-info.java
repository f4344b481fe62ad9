/**
 * The JUnit 5 release gate: {@link dev.llmops.eval.junit5.GoldenDataset} runs a dataset as a test
 * that fails on a regression verdict, listing the regressed cases. JUnit is an optional dependency
 * of this module: only applications that use this package need it.
 */
@NullMarked
package dev.llmops.eval.junit5;

import org.jspecify.annotations.NullMarked;
