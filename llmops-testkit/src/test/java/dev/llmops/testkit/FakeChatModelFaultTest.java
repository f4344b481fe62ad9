package dev.llmops.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llmops.api.AuthenticationException;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ContentFilteredException;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.MalformedResponseException;
import dev.llmops.api.OverloadedException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.core.LlmClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fault the fake injects surfaces through the client as the right typed exception. */
class FakeChatModelFaultTest {

  static Stream<Arguments> errorFaults() {
    return Stream.of(
        Arguments.of(Fault.rateLimited(Duration.ofSeconds(2)), RateLimitedException.class, 429, true),
        Arguments.of(Fault.quotaExhausted(), QuotaExhaustedException.class, 429, false),
        Arguments.of(Fault.serverError(500), ProviderUnavailableException.class, 500, true),
        Arguments.of(Fault.serverError(502), ProviderUnavailableException.class, 502, true),
        Arguments.of(Fault.serverError(503), ProviderUnavailableException.class, 503, true),
        Arguments.of(Fault.serverError(504), ProviderUnavailableException.class, 504, true),
        Arguments.of(Fault.overloaded(), OverloadedException.class, 529, true),
        Arguments.of(Fault.timeout(), LlmTimeoutException.class, 408, true),
        Arguments.of(Fault.invalidRequest(), InvalidRequestException.class, 400, false),
        Arguments.of(Fault.authentication(), AuthenticationException.class, 401, false),
        Arguments.of(Fault.contentFiltered(), ContentFilteredException.class, 400, false));
  }

  @ParameterizedTest
  @MethodSource("errorFaults")
  void errorFaultsSurfaceTyped(Fault fault, Class<? extends LlmException> type, int status, boolean retryable) {
    FakeChatModel fake = FakeChatModel.builder().modelId("gpt-fake").build();
    fake.failWith(fault).once();
    try (LlmClient client = LlmClient.builder().model("m", fake).build()) {
      Throwable blocking = catchThrowable(() -> client.chat(ChatRequest.of("hi")));
      assertThat(blocking).isInstanceOf(type);
      LlmException e = (LlmException) blocking;
      assertThat(e.httpStatus()).isEqualTo(status);
      assertThat(e.retryable()).isEqualTo(retryable);
      assertThat(e.model()).isEqualTo("gpt-fake");
      // the fault was used up: the next call succeeds
      assertThat(client.chat(ChatRequest.of("hi")).text()).isNotBlank();

      fake.failWith(fault).once();
      Throwable streamed = catchThrowable(() -> client.stream(ChatRequest.of("hi"), c -> {}).completion().join());
      assertThat(streamed).isInstanceOf(CompletionException.class).hasCauseInstanceOf(type);
    }
  }

  @ParameterizedTest
  @MethodSource("errorFaults")
  void rateLimitCarriesRetryAfter(Fault fault, Class<? extends LlmException> type, int status, boolean retryable) {
    FakeChatModel fake = FakeChatModel.create();
    fake.failNext(1, fault);
    LlmException e = (LlmException) catchThrowable(() -> fake.chat(ChatRequest.of("x")));
    if (type == RateLimitedException.class) {
      assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
      assertThat(e.details().headers()).containsEntry("retry-after", "2");
    } else {
      assertThat(e.retryAfter()).isNull();
    }
  }

  @org.junit.jupiter.api.Test
  void streamCutAfterKChunksCarriesThePartialText() {
    FakeChatModel fake = FakeChatModel.create();
    fake.enqueue(FakeReply.text("one two three four").withStreamFault(Fault.streamCutAfter(2)));
    List<String> got = new ArrayList<>();
    try (LlmClient client = LlmClient.builder().model("m", fake).build()) {
      Throwable t = catchThrowable(() -> client.stream(ChatRequest.of("hi"), c -> got.add(c.textDelta())).completion().join());
      assertThat(t.getCause()).isInstanceOf(StreamInterruptedException.class);
      StreamInterruptedException e = (StreamInterruptedException) t.getCause();
      assertThat(e.partialText()).isEqualTo("one two ");
      assertThat(e.chunksReceived()).isEqualTo(2);
      assertThat(got).containsExactly("one ", "two ");

      fake.failNext(1, Fault.streamCutAfter(1));
      assertThat(catchThrowable(() -> client.chat(ChatRequest.of("hi")))).isInstanceOf(ProviderUnavailableException.class);
    }
  }

  @org.junit.jupiter.api.Test
  void streamWithoutFinishReasonIsNeverASilentSuccess() {
    FakeChatModel fake = FakeChatModel.create();
    fake.enqueue(FakeReply.text("all of it").withStreamFault(Fault.streamWithoutFinishReason()));
    try (LlmClient client = LlmClient.builder().model("m", fake).build()) {
      Throwable t = catchThrowable(() -> client.stream(ChatRequest.of("hi"), c -> {}).completion().join());
      assertThat(t.getCause()).isInstanceOf(StreamInterruptedException.class)
          .hasMessageContaining("without a finish reason");
      assertThat(((StreamInterruptedException) t.getCause()).partialText()).isEqualTo("all of it");

      fake.failNext(1, Fault.streamWithoutFinishReason());
      assertThat(catchThrowable(() -> client.chat(ChatRequest.of("hi"))))
          .isInstanceOf(MalformedResponseException.class).hasMessageContaining("finish_reason");
    }
  }

  @org.junit.jupiter.api.Test
  void failNTimesThenSucceed() {
    FakeChatModel fake = FakeChatModel.create();
    fake.failWith(Fault.overloaded()).times(2);
    assertThat(catchThrowable(() -> fake.chat(ChatRequest.of("a")))).isInstanceOf(OverloadedException.class);
    assertThat(catchThrowable(() -> fake.chat(ChatRequest.of("a")))).isInstanceOf(OverloadedException.class);
    assertThat(fake.chat(ChatRequest.of("a")).text()).isNotBlank();
    assertThat(fake.callCount()).isEqualTo(3);
  }
}
