/**
 * The release gate: a candidate's run against a committed baseline file, a verdict under a {@link
 * dev.llmops.eval.compare.GatePolicy}, reports written, and a pass or fail that the JUnit 5
 * extension and the command line both act on.
 */
@NullMarked
package dev.llmops.eval.gate;

import org.jspecify.annotations.NullMarked;
