/**
 * The prompt registry: named prompts with immutable numbered versions, labels that point at them
 * ({@code production}, {@code staging}, ...; {@code latest} is implicit), audited label moves
 * (promote, roll back), sources (files in YAML or JSON, in memory, or a remote {@link
 * dev.llmops.core.prompt.PromptSource}), Caffeine caching with stale-if-error, strict Mustache
 * rendering and the pipeline step that records each call's {@link dev.llmops.api.Fingerprint}.
 * Start at {@link dev.llmops.core.prompt.PromptRegistry}; {@code docs/prompts.md} describes the
 * file layout.
 */
@NullMarked
package dev.llmops.core.prompt;

import org.jspecify.annotations.NullMarked;
