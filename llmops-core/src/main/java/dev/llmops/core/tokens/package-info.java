/**
 * Local token counting: exact BPE counts with JTokkit for OpenAI model families ({@code
 * o200k_base}, {@code cl100k_base}), a documented estimate for others, and the cheap safe upper
 * bound (UTF-8 bytes) that budget admission reserves on.
 */
@NullMarked
package dev.llmops.core.tokens;

import org.jspecify.annotations.NullMarked;
