package dev.llmops.core.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.MalformedResponseException;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.api.ModelInfo;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.internal.EndpointSettings;
import dev.llmops.core.provider.internal.HttpTransport;
import dev.llmops.core.provider.internal.Json;
import dev.llmops.core.provider.internal.ProviderErrors;
import dev.llmops.core.provider.internal.ProviderErrors.ErrorBody;
import dev.llmops.core.provider.internal.ProviderHeaders;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

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
 * <p>Immutable and thread-safe; no thread waits while a call is in flight. The API key is sent
 * only in the {@code x-api-key} header.
 */
public final class AnthropicChatModel implements ChatModel {
  static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1";

  private final EndpointSettings settings;
  private final ModelInfo info;
  private final AnthropicWire.BodyOptions options;
  private final String version;
  private final HttpTransport transport;

  private AnthropicChatModel(Builder b, EndpointSettings settings) {
    this.settings = settings;
    String model = Objects.requireNonNull(b.model, "model");
    this.info = new ModelInfo("anthropic", model, settings.host(), settings.port());
    this.options = new AnthropicWire.BodyOptions(model, b.defaultMaxTokens, "anthropic");
    this.version = b.version;
    this.transport = new HttpTransport(settings.httpClient(), "anthropic", model, settings.clock());
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
    boolean streaming = exchange.streaming();
    byte[] body;
    try {
      body = AnthropicWire.requestBody(request, options, streaming);
    } catch (LlmException e) {
      return CompletableFuture.failedFuture(e);
    }
    HttpRequest.Builder http = settings.post("/messages", body, streaming)
        .header("anthropic-version", version);
    Secret key = settings.apiKey();
    if (key != null) {
      http.header("x-api-key", key.reveal());
    }
    if (streaming) {
      return transport.stream(http.build(), exchange, headers ->
          new AnthropicStreamDecoder(info.provider(), info.modelId(), request, exchange,
              ProviderHeaders.metadata(headers)));
    }
    return transport.send(http.build(), exchange, (bytes, headers) -> parse(request, bytes, headers));
  }

  private ChatResponse parse(ChatRequest request, byte[] body, HttpHeaders headers) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw malformed("the response body is not valid JSON", headers);
    }
    if (root == null || !root.isObject()) {
      throw malformed("the response body is not a JSON object", headers);
    }
    if ("error".equals(Json.text(root.get("type")))) {
      throw ProviderErrors.fromStreamError(info.provider(), info.modelId(), ErrorBody.of(root));
    }
    JsonNode content = root.get("content");
    if (content == null || !content.isArray()) {
      throw malformed("content is missing or not an array", headers);
    }
    AnthropicTurn turn = new AnthropicTurn(info.modelId());
    turn.message(root);
    for (int i = 0; i < content.size(); i++) {
      turn.block(i, content.get(i));
    }
    if (turn.stopReason() == null) {
      throw malformed("stop_reason is missing", headers);
    }
    return turn.response(request, ProviderHeaders.metadata(headers));
  }

  private MalformedResponseException malformed(String what, HttpHeaders headers) {
    return new MalformedResponseException(
        info.provider() + " model " + info.modelId() + ": " + what,
        ErrorDetails.of(info.provider(), info.modelId()).withErrorCode("malformed_response")
            .withHeaders(ProviderHeaders.selected(headers)));
  }

  @Override
  public String toString() {
    return "AnthropicChatModel[" + info.modelId() + " at " + settings.baseUri() + "]";
  }

  /**
   * Builds an {@link AnthropicChatModel}. Setters validate at once; {@link #build()} checks that a
   * model is set and that the Anthropic endpoint has a key. Not thread-safe.
   */
  public static final class Builder {
    private final EndpointSettings.Builder settings = new EndpointSettings.Builder(DEFAULT_BASE_URL);
    private @Nullable String model;
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

    /** Sets the model id sent with every request, such as {@code claude-haiku-4-5}. Required. */
    public Builder model(String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.model = model;
      return this;
    }

    /** Sets the {@code anthropic-version} header (default {@code 2023-06-01}). */
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

    /** Adds a header sent with every request. */
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
     * Sets how long to wait for the response headers (default 60 s); a stream's body is bounded by
     * the call's deadline instead.
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

    /** Sets the HTTP client (default: a new one per model, HTTP/2 over TLS). */
    public Builder httpClient(HttpClient httpClient) {
      settings.httpClient(httpClient);
      return this;
    }

    /**
     * Builds the model.
     *
     * @throws IllegalStateException if no model is set, or the Anthropic endpoint has no API key
     */
    public AnthropicChatModel build() {
      if (model == null) {
        throw new IllegalStateException("model is required: AnthropicChatModel.builder().model(\"claude-haiku-4-5\")");
      }
      if (settings.apiKey() == null && settings.baseUri().toString().equals(DEFAULT_BASE_URL)) {
        throw new IllegalStateException(
            "apiKey is required for " + DEFAULT_BASE_URL + ": apiKey(Secret.fromEnv(\"ANTHROPIC_API_KEY\"))");
      }
      return new AnthropicChatModel(this, settings.build());
    }
  }
}
