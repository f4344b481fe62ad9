package dev.llmops.testkit.issues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.LlmException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.anthropic.AnthropicChatModel;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15, redaction: text a provider puts in an error (its message, type, code, parameter, the
 * header values kept with the error, a content type) can echo the prompt, so none of it leaves the
 * library in an exception's message, {@code toString}, details or causes unredacted.
 */
class Issue15ProviderErrorTextTest {
  private static final String EMAIL = "jane.doe@example.com";
  private static final String KEY = "sk-proj-Qw7Lm4Np6Rt1Ys9Ab3Cd5Ef7GhZx8v2";
  private static final String OWN_KEY = "sk-test-own-0123456789abcdef";

  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final OpenAiChatModel openAi = OpenAiChatModel.builder()
      .baseUrl(server.baseUrl()).apiKey(Secret.of(OWN_KEY)).model("gpt-4o-mini").build();
  private final AnthropicChatModel anthropic = AnthropicChatModel.builder()
      .baseUrl(server.baseUrl()).apiKey(Secret.of(OWN_KEY)).model("claude-haiku-4-5").build();

  @AfterEach
  void stop() {
    server.close();
  }

  /** An error body that echoes the prompt's email and a key in every field a server may fill. */
  private static String openAiError(String where) {
    String echo = "for " + EMAIL + " with " + KEY;
    return switch (where) {
      case "message" -> "{\"error\":{\"message\":\"" + echo + "\",\"type\":\"invalid_request_error\",\"code\":null}}";
      case "type" -> "{\"error\":{\"message\":\"m\",\"type\":\"" + echo + "\",\"code\":null}}";
      case "code" -> "{\"error\":{\"message\":\"m\",\"type\":\"invalid_request_error\",\"code\":\"" + echo + "\"}}";
      case "param" -> "{\"error\":{\"message\":\"m\",\"type\":\"x\",\"param\":\"" + echo + "\",\"code\":\"" + KEY + "\"}}";
      default -> throw new IllegalArgumentException(where);
    };
  }

  @ParameterizedTest(name = "provider text in error.{0}")
  @ValueSource(strings = {"message", "type", "code", "param"})
  void anHttpErrorNeverCarriesTheProvidersTextUnredacted(String where) {
    for (int status : new int[] {400, 401, 429, 500}) {
      server.enqueue(ScriptedResponse.raw(status, "application/json", openAiError(where))
          .withHeader("x-request-id", "req-" + EMAIL)
          .withHeader("x-ratelimit-remaining-requests", KEY)
          .withHeader("retry-after", "1"));
      LlmException e = failure(openAi.chatAsync(ChatRequest.of("hi")));
      assertClean(e);
      assertThat(e.httpStatus()).isEqualTo(status);
      assertThat(e.details().headers()).containsKeys("x-request-id", "x-ratelimit-remaining-requests")
          .containsEntry("retry-after", "1");
    }
  }

  @Test
  void anErrorObjectInsideA200AnswerOrAStreamIsRedactedToo() {
    server.enqueue(ScriptedResponse.raw(200, "application/json", openAiError("code")));
    assertClean(failure(openAi.chatAsync(ChatRequest.of("hi"))));

    String sse = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
        + "data: " + openAiError("type") + "\n\n";
    server.enqueue(ScriptedResponse.raw(200, "text/event-stream", sse));
    LlmException stream = failure(openAi.stream(ChatRequest.of("hi"), chunk -> {}));
    assertThat(stream).isInstanceOf(StreamInterruptedException.class);
    assertClean(stream);
  }

  @Test
  void anthropicErrorsInABodyAndMidStreamAreRedacted() {
    String body = "{\"type\":\"error\",\"error\":{\"type\":\"" + EMAIL + "\",\"message\":\"" + KEY + "\"}}";
    server.enqueue(ScriptedResponse.raw(529, "application/json", body));
    assertClean(failure(anthropic.chatAsync(ChatRequest.of("hi"))));
    server.enqueue(ScriptedResponse.raw(200, "application/json", body));
    assertClean(failure(anthropic.chatAsync(ChatRequest.of("hi"))));

    String sse = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":"
        + "{\"input_tokens\":1}}}\n\nevent: error\ndata: " + body + "\n\n";
    server.enqueue(ScriptedResponse.raw(200, "text/event-stream", sse));
    assertClean(failure(anthropic.stream(ChatRequest.of("hi"), chunk -> {})));
  }

  @Test
  void aContentTypeThatCarriesTextIsRedacted() {
    server.enqueue(ScriptedResponse.raw(200, "text/" + EMAIL, "{}"));
    LlmException e = failure(openAi.chatAsync(ChatRequest.of("hi")));
    assertThat(e.getMessage()).contains("the server answered text/");
    assertClean(e);
  }

  private static void assertClean(LlmException e) {
    List<String> shown = new ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      shown.add(String.valueOf(t.getMessage()));
      shown.add(t.toString());
      if (t instanceof LlmException typed) {
        shown.add(typed.details().toString());
        shown.add(typed.details().errorCode());
        shown.add(typed.details().headers().toString());
      }
    }
    assertThat(shown).allSatisfy(text -> assertThat(text)
        .doesNotContain(EMAIL).doesNotContain(KEY).doesNotContain(OWN_KEY));
  }

  private static LlmException failure(CompletableFuture<?> call) {
    try {
      call.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      assertThat(e.getCause()).isInstanceOf(LlmException.class);
      return (LlmException) e.getCause();
    }
    throw new AssertionError("expected the call to fail");
  }
}
