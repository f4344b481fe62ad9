package dev.llmops.core.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.LlmException.ErrorDetails;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** How a transport failure of the JDK's HTTP client becomes a typed, retryable exception. */
class ProviderErrorsTransportTest {

  @Test
  void aRequestTimeoutIsARetryableLlmTimeoutNamingProviderAndModel() {
    HttpTimeoutException cause = new HttpTimeoutException("request timed out");
    Throwable t = ProviderErrors.fromTransport("openai", "gpt-4o", new CompletionException(cause));
    assertThat(t).isInstanceOfSatisfying(LlmTimeoutException.class, e -> {
      assertThat(e.getMessage()).isEqualTo("openai model gpt-4o: request timed out");
      assertThat(e.retryable()).isTrue();
      assertThat(e.provider()).isEqualTo("openai");
      assertThat(e.getCause()).isSameAs(cause);
    });
  }

  @Test
  void aConnectTimeoutIsAnLlmTimeoutOfItsOwn() {
    HttpConnectTimeoutException cause = new HttpConnectTimeoutException("connect timed out");
    Throwable t = ProviderErrors.fromTransport("anthropic", "claude", new ExecutionException(new CompletionException(cause)));
    assertThat(t).isInstanceOf(LlmTimeoutException.class).hasMessage("anthropic model claude: connect timed out")
        .hasCause(cause);
  }

  @Test
  void otherIoFailuresAreProviderUnavailable() {
    for (IOException cause : new IOException[] {new ConnectException("refused"), new IOException("reset")}) {
      Throwable t = ProviderErrors.fromTransport("openai", "gpt-4o", new CompletionException(cause));
      assertThat(t).isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
        assertThat(e.getMessage()).isEqualTo("openai model gpt-4o: connection failed (" + cause.getClass().getSimpleName() + ")");
        assertThat(e.retryable()).isTrue();
        assertThat(e.getCause()).isSameAs(cause);
      });
    }
  }

  @Test
  void typedFailuresAndCancellationsPassThroughUnchanged() {
    RateLimitedException limited = new RateLimitedException("slow down", ErrorDetails.of("openai", "gpt-4o"));
    CancellationException cancelled = new CancellationException("call cancelled");
    assertThat(ProviderErrors.fromTransport("openai", "gpt-4o", new CompletionException(limited))).isSameAs(limited);
    assertThat(ProviderErrors.fromTransport("openai", "gpt-4o", cancelled)).isSameAs(cancelled);
  }
}
