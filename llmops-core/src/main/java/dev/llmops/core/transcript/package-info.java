/**
 * {@link dev.llmops.core.transcript.TranscriptStore}: opt-in, redacted storage of prompts and
 * answers for debugging, with retention (TTL, size limits, sampling) and purge by subject.
 */
@NullMarked
package dev.llmops.core.transcript;

import org.jspecify.annotations.NullMarked;
