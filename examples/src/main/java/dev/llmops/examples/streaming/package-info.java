/** Streaming example: an OpenAI-compatible provider streamed through the client, chunk by chunk. */
@NullMarked
package dev.llmops.examples.streaming;

import org.jspecify.annotations.NullMarked;
