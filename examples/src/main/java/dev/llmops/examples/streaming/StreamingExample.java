package dev.llmops.examples.streaming;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.StreamingCall;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.examples.quickstart.Quickstart;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.server.FakeOpenAiServer;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * Streams an answer through the client, printing each chunk as it arrives, then the aggregate with
 * its usage. The model is the real {@link OpenAiChatModel} over HTTP: against the provider the
 * environment names (see {@link Quickstart#openAiFromEnvironment}), or, offline, against the
 * testkit's fake OpenAI-compatible server on a loopback port.
 */
public final class StreamingExample {
  private StreamingExample() {}

  /** Runs the example, printing to standard output. */
  public static void main(String[] args) {
    run(System.out, System.getenv());
  }

  /**
   * Runs the example with the provider {@code env} names, or offline.
   *
   * @return what was streamed
   */
  public static Result run(PrintStream out, Map<String, String> env) {
    Optional<ChatModel> configured = Quickstart.openAiFromEnvironment(env);
    FakeOpenAiServer server = null;
    ChatModel model;
    if (configured.isPresent()) {
      model = configured.get();
    } else {
      FakeChatModel fake = FakeChatModel.builder().modelId("gpt-4o-mini").wordsPerReply(24).seed(3).build();
      server = FakeOpenAiServer.builder().model(fake).start();
      model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("gpt-4o-mini").build();
    }
    try (LlmClient client = LlmClient.builder().model("chat", model).build()) {
      StringBuilder streamed = new StringBuilder();
      int[] chunks = {0};
      StreamingCall call = client.stream(ChatRequest.of("Explain streaming in one paragraph."), chunk -> {
        out.print(chunk.textDelta());
        streamed.append(chunk.textDelta());
        chunks[0]++;
      });
      Completion done = call.completion().join();
      out.println();
      out.printf("chunks=%d finish=%s tokens(in/out)=%d/%d estimated=%s%n", chunks[0], done.finishReason(),
          done.usage().inputTokens(), done.usage().outputTokens(), done.usage().estimated());
      return new Result(done, streamed.toString(), chunks[0]);
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /**
   * What the example streamed.
   *
   * @param completion the aggregate, with usage
   * @param streamedText the text the chunks carried, concatenated
   * @param chunks how many chunks arrived
   */
  public record Result(Completion completion, String streamedText, int chunks) {}
}
