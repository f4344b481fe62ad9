/**
 * What the provider adapters share that users see: {@link dev.llmops.core.provider.Secret}, the
 * masked holder of an API key. The adapters themselves are in {@code .openai} and {@code
 * .anthropic}.
 */
@NullMarked
package dev.llmops.core.provider;

import org.jspecify.annotations.NullMarked;
