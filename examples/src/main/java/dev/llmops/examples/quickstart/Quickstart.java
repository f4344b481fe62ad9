package dev.llmops.examples.quickstart;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.StreamingCall;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.FakeChatModel;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The quickstart: builds a client and makes a blocking, an asynchronous and a streaming call,
 * printing a short summary. With {@code OPENAI_API_KEY} (or {@code OPENAI_BASE_URL}, for a local
 * OpenAI-compatible server such as Ollama at {@code http://localhost:11434/v1}) set, it calls that
 * provider ({@code OPENAI_MODEL}, default {@code gpt-4o-mini}); otherwise it runs offline on the
 * built-in fake model, with no keys.
 */
public final class Quickstart {
  private Quickstart() {}

  /** Runs the quickstart, printing to standard output. */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Runs the quickstart, printing to {@code out}, with the provider the environment names (the
   * fake model when it names none).
   *
   * @return what the three calls answered, for the example's test
   */
  public static Summary run(PrintStream out) {
    return run(out, System.getenv());
  }

  /**
   * Runs the quickstart with the provider {@code env} names; see the class comment.
   *
   * @return what the three calls answered
   */
  public static Summary run(PrintStream out, Map<String, String> env) {
    ChatModel model = openAiFromEnvironment(env)
        .orElseGet(() -> FakeChatModel.builder().modelId("fake-gpt").seed(7).build());
    // README-SAMPLE-START
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
      out.println("llmops quickstart (" + (model instanceof FakeChatModel ? "offline, fake" : model.info().provider())
          + " model '" + model.info().modelId() + "')");
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

  /**
   * An OpenAI-compatible model when {@code env} sets {@code OPENAI_API_KEY} or {@code
   * OPENAI_BASE_URL}: the key (if any) as a {@link Secret}, the base URL (default OpenAI's), the
   * model {@code OPENAI_MODEL} (default {@code gpt-4o-mini}). Empty when neither is set.
   */
  public static Optional<ChatModel> openAiFromEnvironment(Map<String, String> env) {
    String key = env.getOrDefault("OPENAI_API_KEY", "");
    String baseUrl = env.getOrDefault("OPENAI_BASE_URL", "");
    if (key.isBlank() && baseUrl.isBlank()) {
      return Optional.empty();
    }
    OpenAiChatModel.Builder b = OpenAiChatModel.builder()
        .model(env.getOrDefault("OPENAI_MODEL", "gpt-4o-mini"));
    if (!baseUrl.isBlank()) {
      b.baseUrl(baseUrl);
    }
    if (!key.isBlank()) {
      b.apiKey(Secret.of(key));
    }
    return Optional.of(b.build());
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
