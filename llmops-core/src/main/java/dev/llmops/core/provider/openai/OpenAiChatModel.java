package dev.llmops.core.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
 * A {@link ChatModel} for the OpenAI Chat Completions API and servers compatible with it (Azure
 * OpenAI, vLLM, Ollama, LM Studio, a LiteLLM proxy), over {@code java.net.http} and Jackson.
 *
 * <pre>{@code
 * ChatModel gpt = OpenAiChatModel.builder()
 *     .apiKey(Secret.fromEnv("OPENAI_API_KEY"))
 *     .model("gpt-4o-mini")
 *     .build();
 * ChatModel local = OpenAiChatModel.builder()
 *     .baseUrl("http://localhost:11434/v1")   // Ollama: no key needed
 *     .model("llama3.2")
 *     .build();
 * }</pre>
 *
 * <p>Non-streaming calls parse the whole JSON answer; streaming calls ask for {@code
 * stream_options.include_usage} and read the SSE body line by line, emitting each text delta.
 * Usage follows {@link dev.llmops.api.Usage}: {@code prompt_tokens} (which includes {@code
 * cached_tokens}), {@code completion_tokens} (which includes {@code reasoning_tokens}); a server
 * that reports no usage gets an estimate marked {@code estimated}. Tool definitions and {@code
 * response_format} pass through; tool calls come back in the response. Failures are the typed
 * {@link LlmException}s with HTTP status, error code, {@code retry-after} and rate-limit headers;
 * rate-limit headers of successful answers are in the response metadata as {@code ratelimit.*}.
 *
 * <p>Immutable and thread-safe; no thread waits while a call is in flight. The API key is sent
 * only in a header and never appears in {@link #toString()}, exceptions or logs.
 */
public final class OpenAiChatModel implements ChatModel {
  static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  private final EndpointSettings settings;
  private final ModelInfo info;
  private final OpenAiWire.BodyOptions options;
  private final @Nullable String apiKeyHeader;
  private final HttpTransport transport;

  private OpenAiChatModel(Builder b, EndpointSettings settings) {
    this.settings = settings;
    String model = Objects.requireNonNull(b.model, "model");
    this.info = new ModelInfo(b.provider, model, settings.host(), settings.port());
    this.options = new OpenAiWire.BodyOptions(model, b.includeUsage, b.legacyMaxTokens, b.provider);
    this.apiKeyHeader = b.apiKeyHeader;
    this.transport = new HttpTransport(settings.httpClient(), b.provider, model, settings.clock());
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
      body = OpenAiWire.requestBody(request, options, streaming);
    } catch (LlmException e) {
      return CompletableFuture.failedFuture(e);
    }
    HttpRequest.Builder http = settings.post("/chat/completions", body, streaming);
    Secret key = settings.apiKey();
    if (key != null) {
      if (apiKeyHeader == null) {
        http.header("Authorization", "Bearer " + key.reveal());
      } else {
        http.header(apiKeyHeader, key.reveal());
      }
    }
    if (streaming) {
      return transport.stream(http.build(), exchange, headers ->
          new OpenAiStreamDecoder(info.provider(), info.modelId(), request, exchange,
              ProviderHeaders.metadata(headers)));
    }
    return transport.send(http.build(), exchange, (bytes, headers) -> parse(request, bytes, headers));
  }

  private ChatResponse parse(ChatRequest request, byte[] body, HttpHeaders headers) {
    OpenAiTurn turn = new OpenAiTurn(info.modelId());
    try (JsonParser p = Json.FACTORY.createParser(body)) {
      OpenAiWire.read(p, turn);
    } catch (JsonProcessingException e) {
      throw malformed("the response body is not valid JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")", headers);
    } catch (IOException e) {
      throw malformed("the response body is not a JSON object", headers);
    }
    String errorType = turn.errorType();
    if (errorType != null) {
      throw ProviderErrors.fromStreamError(info.provider(), info.modelId(), new ErrorBody(turn.errorCode(), errorType));
    }
    String problem = turn.problem();
    if (problem != null) {
      throw malformed(problem, headers);
    }
    if (turn.finishRaw() == null) {
      throw malformed("choices[0].finish_reason is missing", headers);
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
    return "OpenAiChatModel[" + info.provider() + " " + info.modelId() + " at " + settings.baseUri() + "]";
  }

  /**
   * Builds an {@link OpenAiChatModel}. Setters validate at once; {@link #build()} checks that a
   * model is set and that the OpenAI endpoint has a key. Not thread-safe.
   */
  public static final class Builder {
    private final EndpointSettings.Builder settings = new EndpointSettings.Builder(DEFAULT_BASE_URL);
    private @Nullable String model;
    private String provider = "openai";
    private @Nullable String apiKeyHeader;
    private boolean includeUsage = true;
    private boolean legacyMaxTokens;

    private Builder() {}

    /**
     * Sets the base URL (default {@code https://api.openai.com/v1}); requests go to {@code
     * <baseUrl>/chat/completions}.
     *
     * @throws IllegalArgumentException if it is not an absolute http(s) URL without user info,
     *     query or fragment
     */
    public Builder baseUrl(String baseUrl) {
      settings.baseUrl(baseUrl);
      return this;
    }

    /** Sets the API key, sent as {@code Authorization: Bearer} (or the {@link #apiKeyHeader}). */
    public Builder apiKey(Secret apiKey) {
      settings.apiKey(apiKey);
      return this;
    }

    /**
     * Sends the key as the raw value of header {@code name} instead of {@code Authorization:
     * Bearer} (Azure OpenAI uses {@code api-key}).
     */
    public Builder apiKeyHeader(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("apiKeyHeader must not be blank");
      }
      this.apiKeyHeader = name;
      return this;
    }

    /** Sets the provider model id sent with every request, such as {@code gpt-4o-mini}. Required. */
    public Builder model(String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.model = model;
      return this;
    }

    /**
     * Sets the provider name reported in {@link ModelInfo}, errors and telemetry (default {@code
     * openai}; for example {@code azure.ai.openai}, {@code ollama}, {@code vllm}).
     */
    public Builder provider(String provider) {
      Objects.requireNonNull(provider, "provider");
      if (provider.isBlank()) {
        throw new IllegalArgumentException("provider must not be blank");
      }
      this.provider = provider;
      return this;
    }

    /** Sends {@code OpenAI-Organization}. */
    public Builder organization(String organization) {
      settings.header("OpenAI-Organization", Objects.requireNonNull(organization, "organization"));
      return this;
    }

    /** Sends {@code OpenAI-Project}. */
    public Builder project(String project) {
      settings.header("OpenAI-Project", Objects.requireNonNull(project, "project"));
      return this;
    }

    /** Adds a header sent with every request. */
    public Builder header(String name, String value) {
      settings.header(name, value);
      return this;
    }

    /** Adds a query parameter sent with every request, such as Azure's {@code api-version}. */
    public Builder queryParameter(String name, String value) {
      settings.queryParameter(name, value);
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
     * Whether a stream asks for {@code stream_options.include_usage} (default true). Turn it off
     * for a server that rejects the option; usage is then estimated.
     */
    public Builder includeUsageInStream(boolean includeUsage) {
      this.includeUsage = includeUsage;
      return this;
    }

    /**
     * Sends the output limit as the older {@code max_tokens} instead of {@code
     * max_completion_tokens} (default false), for compatible servers that know only the old name.
     */
    public Builder legacyMaxTokens(boolean legacyMaxTokens) {
      this.legacyMaxTokens = legacyMaxTokens;
      return this;
    }

    /**
     * Builds the model.
     *
     * @throws IllegalStateException if no model is set, or the OpenAI endpoint has no API key
     */
    public OpenAiChatModel build() {
      if (model == null) {
        throw new IllegalStateException("model is required: OpenAiChatModel.builder().model(\"gpt-4o-mini\")");
      }
      if (settings.apiKey() == null && settings.baseUri().toString().equals(DEFAULT_BASE_URL)) {
        throw new IllegalStateException(
            "apiKey is required for " + DEFAULT_BASE_URL + ": apiKey(Secret.fromEnv(\"OPENAI_API_KEY\"))");
      }
      return new OpenAiChatModel(this, settings.build());
    }
  }
}
