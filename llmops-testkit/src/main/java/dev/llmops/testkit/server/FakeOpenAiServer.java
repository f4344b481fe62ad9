package dev.llmops.testkit.server;

import dev.llmops.testkit.FakeChatModel;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A real HTTP server on a random loopback port that speaks the OpenAI Chat Completions API, for
 * tests: {@code POST /v1/chat/completions}, blocking (JSON) and streaming (SSE with {@code
 * stream_options.include_usage}, the final usage chunk and {@code [DONE]}).
 *
 * <pre>{@code
 * try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
 *   server.enqueue(ScriptedResponse.error(429, "requests", "rate_limit_exceeded").withHeader("retry-after", "1"));
 *   server.enqueue(ScriptedResponse.reply("Hello!"));
 *   ChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("gpt-4o-mini").build();
 *   ...
 *   assertThat(server.requests()).hasSize(2);
 * }
 * }</pre>
 *
 * <p>Each request, to any path, takes the next {@link ScriptedResponse} from the queue (so a test
 * can also script another provider's API); when the queue is empty,
 * the {@link FakeChatModel} behind the server answers (its faults become HTTP errors with the
 * fault's status, code and {@code retry-after}; a stream fault ends the SSE body without {@code
 * [DONE]}). Every request is recorded. Delayed and dripping responses wait on the injected {@link
 * dev.llmops.api.time.TaskScheduler}, so a test with a {@link dev.llmops.testkit.ManualScheduler}
 * advances its clock instead of sleeping. {@link ScriptedResponse} lists the faults of a broken or
 * hostile server it can play (oversized bodies and events, wrong content types, slow drips, resets
 * mid-body). {@link FakeAnthropicServer} is the same server speaking Anthropic's Messages API.
 *
 * <p>The server binds to the loopback address only and holds no thread for an answer it waits to
 * give: four handler threads read requests, the scheduler's threads write delayed answers, so it
 * serves thousands of calls in flight. Thread-safe; close it to free the port and its threads.
 */
public final class FakeOpenAiServer extends FakeHttpServer<FakeOpenAiServer> {
  private FakeOpenAiServer(Builder b) throws IOException {
    super(b, OpenAiJson.DIALECT);
  }

  /** Starts a server with default settings: a {@link FakeChatModel#create()} behind the queue. */
  public static FakeOpenAiServer start() {
    return builder().start();
  }

  /** A builder for a server with a chosen model, scheduler or clock. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds and starts a {@link FakeOpenAiServer}. Not thread-safe. */
  public static final class Builder extends FakeHttpServer.Settings<Builder, FakeOpenAiServer> {
    private Builder() {}

    /**
     * Starts the server on a random loopback port.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    @Override
    public FakeOpenAiServer start() {
      try {
        return new FakeOpenAiServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("the fake OpenAI server could not bind a loopback port", e);
      }
    }
  }
}
