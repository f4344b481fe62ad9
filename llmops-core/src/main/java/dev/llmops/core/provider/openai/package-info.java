/**
 * The OpenAI-compatible Chat Completions adapter, {@link
 * dev.llmops.core.provider.openai.OpenAiChatModel}: OpenAI, Azure OpenAI, and compatible servers
 * (vLLM, Ollama, LM Studio, LiteLLM).
 */
@NullMarked
package dev.llmops.core.provider.openai;

import org.jspecify.annotations.NullMarked;
