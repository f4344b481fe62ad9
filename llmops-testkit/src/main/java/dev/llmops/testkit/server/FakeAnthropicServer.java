package dev.llmops.testkit.server;

import dev.llmops.testkit.FakeChatModel;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A real HTTP server on a random loopback port that speaks Anthropic's Messages API, for tests:
 * {@code POST /v1/messages}, blocking (a Message as JSON) and streaming (SSE: {@code
 * message_start}, {@code content_block_start/delta/stop} for text and {@code tool_use} blocks,
 * {@code ping}, {@code message_delta} with the stop reason and usage, {@code message_stop}).
 *
 * <pre>{@code
 * try (FakeAnthropicServer server = FakeAnthropicServer.start()) {
 *   server.enqueue(ScriptedResponse.error(529, "overloaded_error"));
 *   server.enqueue(ScriptedResponse.reply("Hello!"));
 *   ChatModel model = AnthropicChatModel.builder().baseUrl(server.baseUrl()).model("claude-haiku-4-5").build();
 *   ...
 *   assertThat(server.requests()).hasSize(2);
 * }
 * }</pre>
 *
 * <p>It is {@link FakeOpenAiServer}'s server in another API: each request, to any path, takes the
 * next {@link ScriptedResponse} from the queue, with all its faults; when the queue is empty, the
 * {@link FakeChatModel} behind the server answers the request as read from the Messages body
 * ({@code system}, {@code messages} with {@code tool_use} and {@code tool_result} blocks, {@code
 * max_tokens}, which is required, and the sampling fields). A fault of the model becomes an HTTP
 * error with Anthropic's error body, whose {@code type} follows the status ({@code
 * rate_limit_error} for 429 with the fault's {@code retry-after}, {@code overloaded_error} for 529,
 * {@code api_error} for other 5xx, ...); a stream fault ends the SSE body without {@code
 * message_stop}. Usage is written as Anthropic counts it: {@code input_tokens} without the cached
 * ({@code cache_read_input_tokens}) and cache-written ({@code cache_creation_input_tokens})
 * tokens, {@code message_start} with the input side, {@code message_delta} with all of it.
 *
 * <p>The server binds to the loopback address only and holds no thread for an answer it waits to
 * give. Thread-safe; close it to free the port and its threads.
 */
public final class FakeAnthropicServer extends FakeHttpServer<FakeAnthropicServer> {
  private FakeAnthropicServer(Builder b) throws IOException {
    super(b, AnthropicJson.DIALECT);
  }

  /** Starts a server with default settings: a {@link FakeChatModel#create()} behind the queue. */
  public static FakeAnthropicServer start() {
    return builder().start();
  }

  /** A builder for a server with a chosen model, scheduler or clock. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds and starts a {@link FakeAnthropicServer}. Not thread-safe. */
  public static final class Builder extends FakeHttpServer.Settings<Builder, FakeAnthropicServer> {
    private Builder() {}

    /**
     * Starts the server on a random loopback port.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    @Override
    public FakeAnthropicServer start() {
      try {
        return new FakeAnthropicServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("the fake Anthropic server could not bind a loopback port", e);
      }
    }
  }
}
