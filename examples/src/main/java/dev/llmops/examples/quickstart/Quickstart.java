package dev.llmops.examples.quickstart;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.StreamingCall;
import dev.llmops.testkit.FakeChatModel;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;

/**
 * The quickstart: builds a client over the built-in fake model and makes a blocking, an
 * asynchronous and a streaming call, printing a short summary. Runs offline, with no keys.
 */
public final class Quickstart {
  private Quickstart() {}

  /** Runs the quickstart, printing to standard output. */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Runs the quickstart, printing to {@code out}.
   *
   * @return what the three calls answered, for the example's test
   */
  public static Summary run(PrintStream out) {
    // README-SAMPLE-START
    FakeChatModel model = FakeChatModel.builder().modelId("fake-gpt").seed(7).build();
    try (LlmClient client = LlmClient.builder().model("fast", model).build()) {
      CallContext who = CallContext.ofTenant("acme").withSubject("user-42").withFeature("quickstart");

      // 1. Blocking: the asynchronous pipeline, joined at the edge.
      Completion blocking = client.chat(ChatRequest.builder()
          .system("You are terse.")
          .user("What is llmops?")
          .build(), who);

      // 2. Asynchronous: no thread waits while the call is in flight.
      CompletableFuture<Completion> async = client.chatAsync(ChatRequest.of("Name three colours."), who);

      // 3. Streaming: chunks as they arrive, then the aggregate with usage.
      StringBuilder streamed = new StringBuilder();
      StreamingCall stream = client.stream(ChatRequest.of("Tell me a story."), who,
          chunk -> streamed.append(chunk.textDelta()));
      Completion streamedResult = stream.completion().join();
      // README-SAMPLE-END

      Completion asyncResult = async.join();
      out.println("llmops quickstart (offline, fake model '" + model.info().modelId() + "')");
      print(out, "blocking ", blocking);
      print(out, "async    ", asyncResult);
      print(out, "streaming", streamedResult);
      out.println("streamed text matches aggregate: " + streamed.toString().equals(streamedResult.text()));
      long totalTokens = blocking.usage().totalTokens() + asyncResult.usage().totalTokens()
          + streamedResult.usage().totalTokens();
      out.println("calls: 3, total tokens: " + totalTokens + ", listener failures: " + client.listenerFailures());
      return new Summary(blocking, asyncResult, streamedResult, streamed.toString(), totalTokens);
    }
  }

  private static void print(PrintStream out, String label, Completion c) {
    out.printf("%s -> endpoint=%s model=%s finish=%s tokens(in/out)=%d/%d text=\"%s\"%n",
        label, c.endpoint(), c.response().model(), c.finishReason(), c.usage().inputTokens(),
        c.usage().outputTokens(), c.text());
  }

  /**
   * What the quickstart's calls answered.
   *
   * @param blocking the blocking call's result
   * @param async the asynchronous call's result
   * @param streaming the streaming call's aggregate
   * @param streamedText the text the stream handler received, chunk by chunk
   * @param totalTokens input plus output tokens of the three calls
   */
  public record Summary(
      Completion blocking, Completion async, Completion streaming, String streamedText, long totalTokens) {}
}
