package dev.llmops.core.provider.openai;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.LlmException;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.internal.EndpointSettings;
import dev.llmops.core.provider.internal.HttpChatModel;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
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
 * ChatModel azure = OpenAiChatModel.builder()
 *     .azure("https://my-resource.openai.azure.com", "gpt-4o-prod", "2024-10-21")
 *     .apiKey(Secret.fromEnv("AZURE_OPENAI_API_KEY"))
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
 * <p>Answers are read within size caps ({@link Builder#maxResponseBytes}, {@link
 * Builder#maxEventBytes}) and must carry the content type asked for; whatever a server sends, a
 * call ends with an {@link LlmException}. Provider text that reaches an exception is redacted.
 *
 * <p>Immutable and thread-safe; no thread waits while a call is in flight, and the model's own HTTP
 * client runs on a fixed pool of {@link Builder#ioThreads} threads that {@link #close()} stops. The
 * API key is sent only in a header and never appears in {@link #toString()}, exceptions or logs.
 */
public final class OpenAiChatModel implements ChatModel, AutoCloseable {
  static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  private final HttpChatModel http;

  private OpenAiChatModel(Builder b) {
    EndpointSettings settings = b.settings.build("OpenAiChatModel");
    this.http = new HttpChatModel(settings, b.provider,
        new OpenAiWire(b.provider, settings.model(), b.includeUsage, b.legacyMaxTokens));
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
    return http.describe("OpenAiChatModel");
  }

  /**
   * Builds an {@link OpenAiChatModel}. Setters validate at once; {@link #build()} checks that a
   * model is set and that the OpenAI endpoint has a key. Not thread-safe.
   */
  public static final class Builder {
    private final EndpointSettings.Builder settings = new EndpointSettings.Builder(
        DEFAULT_BASE_URL, "OPENAI_API_KEY", "gpt-4o-mini", "Authorization", "Bearer ");
    private String provider = "openai";
    private @Nullable String azureDeployment;
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

    /**
     * Configures Azure OpenAI: requests go to {@code
     * <endpoint>/openai/deployments/<deployment>/chat/completions?api-version=<apiVersion>}, the
     * key in the {@code api-key} header (not {@code Authorization: Bearer}), and the provider name
     * is {@code azure.ai.openai}. The model id, which prices and labels the calls, defaults to the
     * deployment name: set {@link #model} when the deployment serves a model of another name.
     * Later calls to {@link #baseUrl}, {@link #apiKeyHeader} or {@link #provider} override what
     * this sets.
     *
     * <pre>{@code
     * OpenAiChatModel.builder()
     *     .azure("https://my-resource.openai.azure.com", "gpt-4o-prod", "2024-10-21")
     *     .apiKey(Secret.fromEnv("AZURE_OPENAI_API_KEY"))
     *     .model("gpt-4o")
     *     .build();
     * }</pre>
     *
     * @param endpoint the resource's endpoint, such as {@code https://my-resource.openai.azure.com}
     * @param deployment the deployment name chosen when the model was deployed
     * @param apiVersion the API version, such as {@code 2024-10-21}
     * @throws IllegalArgumentException if the endpoint is not an absolute http(s) URL without a
     *     path, query or user info, or the deployment or version is blank
     */
    public Builder azure(String endpoint, String deployment, String apiVersion) {
      Objects.requireNonNull(endpoint, "endpoint");
      String dep = nonBlank(deployment, "deployment");
      String version = nonBlank(apiVersion, "apiVersion");
      String origin = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
      URI uri;
      try {
        uri = URI.create(origin);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("endpoint is not a valid URL: " + e.getMessage(), e);
      }
      if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
        throw new IllegalArgumentException(
            "endpoint must be the resource's URL without a path, such as https://my-resource.openai.azure.com");
      }
      settings.baseUrl(origin + "/openai/deployments/"
          + URLEncoder.encode(dep, StandardCharsets.UTF_8).replace("+", "%20"));
      settings.queryParameter("api-version", version);
      settings.keyHeader("api-key", "");
      this.provider = "azure.ai.openai";
      this.azureDeployment = dep;
      return this;
    }

    /** Sets the API key, sent as {@code Authorization: Bearer} (or the {@link #apiKeyHeader}). */
    public Builder apiKey(Secret apiKey) {
      settings.apiKey(apiKey);
      return this;
    }

    /**
     * Sends the key as the raw value of header {@code name} instead of {@code Authorization:
     * Bearer} (Azure OpenAI uses {@code api-key}; {@link #azure} sets it).
     *
     * @throws IllegalArgumentException if the name is blank or one the HTTP client manages
     */
    public Builder apiKeyHeader(String name) {
      settings.keyHeader(name, "");
      return this;
    }

    /**
     * Sets the provider model id sent with every request, such as {@code gpt-4o-mini}. Required,
     * except with {@link #azure}, where it defaults to the deployment name.
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder model(String model) {
      settings.model(model);
      return this;
    }

    /**
     * Sets the provider name reported in {@link ModelInfo}, errors and telemetry (default {@code
     * openai}, {@code azure.ai.openai} after {@link #azure}; for example {@code ollama}, {@code
     * vllm}).
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder provider(String provider) {
      this.provider = nonBlank(provider, "provider");
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

    /**
     * Adds a header sent with every request.
     *
     * @throws IllegalArgumentException if the name is blank or one the HTTP client manages
     */
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
     * version and executor, and {@link OpenAiChatModel#close()} leaves it alone.
     */
    public Builder httpClient(HttpClient httpClient) {
      settings.httpClient(httpClient);
      return this;
    }

    /**
     * Sets the HTTP version of the model's own client (default: HTTP/2 for https, negotiated by
     * ALPN with a fall-back to HTTP/1.1; HTTP/1.1 for plain http). {@code HTTP_2} on a plain-http
     * URL sends an {@code h2c} upgrade with each request until a server accepts one.
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
     * Sets the cap on a response body and on the whole body of a stream (default 32 MiB, about
     * 150,000 streamed tokens); past it the call fails with a {@link
     * dev.llmops.api.MalformedResponseException} (a stream: a {@link
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
     * @throws IllegalStateException if no model is set (and no {@link #azure} deployment names
     *     one), or the OpenAI endpoint has no API key
     */
    public OpenAiChatModel build() {
      String deployment = azureDeployment;
      if (deployment != null && !settings.hasModel()) {
        settings.model(deployment);
      }
      return new OpenAiChatModel(this);
    }

    private static String nonBlank(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
    }
  }
}
