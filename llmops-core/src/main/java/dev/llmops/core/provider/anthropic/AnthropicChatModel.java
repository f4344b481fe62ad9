package dev.llmops.core.provider.anthropic;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.LlmException;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.internal.EndpointSettings;
import dev.llmops.core.provider.internal.HttpChatModel;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;

/**
 * A {@link ChatModel} for the Anthropic Messages API over {@code java.net.http} and Jackson.
 *
 * <pre>{@code
 * ChatModel claude = AnthropicChatModel.builder()
 *     .apiKey(Secret.fromEnv("ANTHROPIC_API_KEY"))
 *     .model("claude-haiku-4-5")
 *     .build();
 * }</pre>
 *
 * <p>System messages become the {@code system} prompt; {@code max_tokens}, which the API
 * requires, is the request's output limit or {@link Builder#defaultMaxTokens} (default 4096).
 * Streaming reads {@code message_start}, {@code content_block_delta}, {@code message_delta} (with
 * cumulative usage) and {@code message_stop}; an {@code error} event mid-stream is a {@link
 * dev.llmops.api.StreamInterruptedException}. Usage follows {@link dev.llmops.api.Usage}: input is
 * {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}, with the cache
 * counts kept apart. Failures are the typed {@link LlmException}s (529 {@code overloaded_error} is
 * an {@link dev.llmops.api.OverloadedException}); {@code anthropic-ratelimit-*} headers are in the
 * response metadata as {@code ratelimit.*}.
 *
 * <p>Answers are read within size caps ({@link Builder#maxResponseBytes}, {@link
 * Builder#maxEventBytes}) and must carry the content type asked for; whatever a server sends, a
 * call ends with an {@link LlmException}. Provider text that reaches an exception is redacted.
 *
 * <p>Immutable and thread-safe; no thread waits while a call is in flight, and the model's own HTTP
 * client runs on a fixed pool of {@link Builder#ioThreads} threads that {@link #close()} stops. The
 * API key is sent only in the {@code x-api-key} header.
 */
public final class AnthropicChatModel implements ChatModel, AutoCloseable {
  static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1";

  private final HttpChatModel http;

  private AnthropicChatModel(Builder b) {
    b.settings.header("anthropic-version", b.version);
    EndpointSettings settings = b.settings.build("AnthropicChatModel");
    this.http = new HttpChatModel(settings, "anthropic", new AnthropicWire(settings.model(), b.defaultMaxTokens));
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ModelInfo info() {
    return http.info();
  }

  @Override
  public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
    return http.execute(request, exchange);
  }

  /**
   * Stops the threads of the HTTP client the model made (a client given to {@link
   * Builder#httpClient} is left alone); calls after this fail with a {@link
   * dev.llmops.api.ProviderUnavailableException}. Calls in flight are not waited for.
   */
  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return http.describe("AnthropicChatModel");
  }

  /**
   * Builds an {@link AnthropicChatModel}. Setters validate at once; {@link #build()} checks that a
   * model is set and that the Anthropic endpoint has a key. Not thread-safe.
   */
  public static final class Builder {
    private final EndpointSettings.Builder settings = new EndpointSettings.Builder(
        DEFAULT_BASE_URL, "ANTHROPIC_API_KEY", "claude-haiku-4-5", "x-api-key", "");
    private String version = "2023-06-01";
    private int defaultMaxTokens = 4096;

    private Builder() {}

    /**
     * Sets the base URL (default {@code https://api.anthropic.com/v1}); requests go to {@code
     * <baseUrl>/messages}.
     *
     * @throws IllegalArgumentException if it is not an absolute http(s) URL without user info,
     *     query or fragment
     */
    public Builder baseUrl(String baseUrl) {
      settings.baseUrl(baseUrl);
      return this;
    }

    /** Sets the API key, sent as the {@code x-api-key} header. */
    public Builder apiKey(Secret apiKey) {
      settings.apiKey(apiKey);
      return this;
    }

    /**
     * Sets the model id sent with every request, such as {@code claude-haiku-4-5}. Required.
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder model(String model) {
      settings.model(model);
      return this;
    }

    /**
     * Sets the {@code anthropic-version} header (default {@code 2023-06-01}).
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder anthropicVersion(String version) {
      Objects.requireNonNull(version, "version");
      if (version.isBlank()) {
        throw new IllegalArgumentException("anthropicVersion must not be blank");
      }
      this.version = version;
      return this;
    }

    /** Adds an {@code anthropic-beta} feature flag header. */
    public Builder beta(String feature) {
      settings.header("anthropic-beta", Objects.requireNonNull(feature, "feature"));
      return this;
    }

    /**
     * Sets the {@code max_tokens} sent when a request sets no output limit (default 4096).
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder defaultMaxTokens(int maxTokens) {
      if (maxTokens < 1) {
        throw new IllegalArgumentException("defaultMaxTokens must be >= 1 but was " + maxTokens);
      }
      this.defaultMaxTokens = maxTokens;
      return this;
    }

    /**
     * Adds a header sent with every request.
     *
     * @throws IllegalArgumentException if the name is blank or one the HTTP client manages
     */
    public Builder header(String name, String value) {
      settings.header(name, value);
      return this;
    }

    /** Sets the connect timeout (default 10 s); ignored with a supplied {@link #httpClient}. */
    public Builder connectTimeout(Duration timeout) {
      settings.connectTimeout(timeout);
      return this;
    }

    /**
     * Sets how long to wait for the response headers (default 60 s); the body, a stream's above
     * all, is bounded by the call's deadline instead.
     */
    public Builder timeout(Duration timeout) {
      settings.timeout(timeout);
      return this;
    }

    /** Sets the clock that reads "now" for {@code retry-after} HTTP dates (default system UTC). */
    public Builder clock(Clock clock) {
      settings.clock(clock);
      return this;
    }

    /**
     * Sets the HTTP client, to share a connection pool or set a proxy (default: a new one per
     * model, see {@link #httpVersion} and {@link #ioThreads}). A supplied client keeps its own
     * version and executor, and {@link AnthropicChatModel#close()} leaves it alone.
     */
    public Builder httpClient(HttpClient httpClient) {
      settings.httpClient(httpClient);
      return this;
    }

    /**
     * Sets the HTTP version of the model's own client (default: HTTP/2 for https, negotiated by
     * ALPN with a fall-back to HTTP/1.1; HTTP/1.1 for plain http).
     */
    public Builder httpVersion(HttpClient.Version version) {
      settings.httpVersion(version);
      return this;
    }

    /**
     * Sets the TLS context of the model's own HTTP client (default the JVM's), to trust a private
     * certificate authority such as a self-hosted server's.
     */
    public Builder sslContext(SSLContext context) {
      settings.sslContext(context);
      return this;
    }

    /**
     * Sets the threads of the model's own HTTP client (default the number of processors, at least
     * 2): they run the client's work and complete the calls, whatever the number in flight, and
     * end after a minute idle.
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder ioThreads(int threads) {
      settings.ioThreads(threads);
      return this;
    }

    /**
     * Sets the cap on a response body and on the whole body of a stream (default 32 MiB); past it
     * the call fails with a {@link dev.llmops.api.MalformedResponseException} (a stream: a {@link
     * dev.llmops.api.StreamInterruptedException} caused by one).
     *
     * @throws IllegalArgumentException if less than 1 KiB
     */
    public Builder maxResponseBytes(long bytes) {
      settings.maxResponseBytes(bytes);
      return this;
    }

    /**
     * Sets the cap on one server-sent event of a stream (default 1 MiB); past it the stream fails
     * as {@link #maxResponseBytes} describes, before more is held.
     *
     * @throws IllegalArgumentException if less than 1 KiB
     */
    public Builder maxEventBytes(int bytes) {
      settings.maxEventBytes(bytes);
      return this;
    }

    /**
     * Builds the model.
     *
     * @throws IllegalStateException if no model is set, or the Anthropic endpoint has no API key
     */
    public AnthropicChatModel build() {
      return new AnthropicChatModel(this);
    }
  }
}
