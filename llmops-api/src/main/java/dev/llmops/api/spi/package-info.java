/** Contracts implemented by provider adapters and fakes: {@link dev.llmops.api.spi.ChatModel}. */
@NullMarked
package dev.llmops.api.spi;

import org.jspecify.annotations.NullMarked;
