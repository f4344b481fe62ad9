/**
 * What the provider adapters share that users see: {@link dev.llmops.core.provider.Secret}, the
 * masked holder of an API key. The adapters themselves are in {@code .openai} (OpenAI, Azure
 * OpenAI, compatible servers) and {@code .anthropic}; both are a wire format on the HTTP chat
 * model of the unexported {@code .internal} package.
 */
@NullMarked
package dev.llmops.core.provider;

import org.jspecify.annotations.NullMarked;
