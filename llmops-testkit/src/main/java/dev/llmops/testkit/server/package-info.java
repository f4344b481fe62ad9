/**
 * A fake OpenAI-compatible HTTP server for tests, in the manner of OkHttp's MockWebServer: {@link
 * dev.llmops.testkit.server.FakeOpenAiServer} listens on a random loopback port, answers {@code
 * POST /v1/chat/completions} (blocking and SSE) from scripted responses or a {@link
 * dev.llmops.testkit.FakeChatModel}, injects faults, and records what it received.
 */
@NullMarked
package dev.llmops.testkit.server;

import org.jspecify.annotations.NullMarked;
