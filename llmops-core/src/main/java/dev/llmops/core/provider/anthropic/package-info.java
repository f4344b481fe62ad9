/** The Anthropic Messages adapter, {@link dev.llmops.core.provider.anthropic.AnthropicChatModel}. */
@NullMarked
package dev.llmops.core.provider.anthropic;

import org.jspecify.annotations.NullMarked;
