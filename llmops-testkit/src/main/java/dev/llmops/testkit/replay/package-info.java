/**
 * Record and replay: a {@link dev.llmops.testkit.replay.Cassette} records real provider exchanges
 * to a file, redacted, and replays them deterministically, so an evaluation or a test suite that
 * once ran against a real provider runs offline in CI afterwards.
 */
@NullMarked
package dev.llmops.testkit.replay;

import org.jspecify.annotations.NullMarked;
