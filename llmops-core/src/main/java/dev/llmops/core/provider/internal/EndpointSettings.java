package dev.llmops.core.provider.internal;

import dev.llmops.core.provider.Secret;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP settings both adapters share: where to send, which credentials and extra headers,
 * timeouts, the clock, the HTTP client. Immutable and thread-safe; made by {@link Builder}, whose
 * setters validate at once.
 */
public final class EndpointSettings {
  private static final Set<String> RESERVED_HEADERS =
      Set.of("content-length", "host", "connection", "expect", "upgrade");

  private final URI baseUri;
  private final @Nullable Secret apiKey;
  private final Map<String, String> headers;
  private final Map<String, String> queryParameters;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient httpClient;

  private EndpointSettings(Builder b, HttpClient httpClient) {
    this.baseUri = Objects.requireNonNull(b.baseUri, "baseUrl");
    this.apiKey = b.apiKey;
    this.headers = Map.copyOf(b.headers);
    this.queryParameters = Map.copyOf(b.queryParameters);
    this.timeout = b.timeout;
    this.clock = b.clock;
    this.httpClient = httpClient;
  }

  /** The base URL, without a trailing slash. */
  public URI baseUri() {
    return baseUri;
  }

  /** The API key, or null when the endpoint needs none. */
  public @Nullable Secret apiKey() {
    return apiKey;
  }

  /** The clock that reads "now" for {@code retry-after} dates. */
  public Clock clock() {
    return clock;
  }

  /** The HTTP client requests go through. */
  public HttpClient httpClient() {
    return httpClient;
  }

  /**
   * A POST request builder for {@code path} under the base URL, with the query parameters, the
   * timeout, JSON content type and the extra headers set. Credentials are added by the caller,
   * always as a header.
   */
  public HttpRequest.Builder post(String path, byte[] body, boolean streaming) {
    StringBuilder uri = new StringBuilder(baseUri.toString()).append(path);
    char sep = '?';
    for (Map.Entry<String, String> q : queryParameters.entrySet()) {
      uri.append(sep)
          .append(URLEncoder.encode(q.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.toString()))
        .timeout(timeout)
        .header("content-type", "application/json")
        .header("accept", streaming ? "text/event-stream" : "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return request;
  }

  /** The host requests go to. */
  public @Nullable String host() {
    return baseUri.getHost();
  }

  /** The port requests go to (the scheme's default when the URL names none). */
  public int port() {
    int port = baseUri.getPort();
    if (port >= 0) {
      return port;
    }
    return "https".equals(baseUri.getScheme()) ? 443 : 80;
  }

  @Override
  public String toString() {
    return "EndpointSettings[" + baseUri + ", apiKey=" + (apiKey == null ? "none" : apiKey) + "]";
  }

  /** Builds {@link EndpointSettings}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable URI baseUri;
    private @Nullable Secret apiKey;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> queryParameters = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();
    private @Nullable HttpClient httpClient;

    /** A builder with the defaults: 10 s connect timeout, 60 s response timeout, the UTC clock. */
    public Builder(String defaultBaseUrl) {
      baseUrl(defaultBaseUrl);
    }

    /**
     * Sets the base URL, such as {@code https://api.openai.com/v1}.
     *
     * @throws IllegalArgumentException if it is not an absolute http(s) URL, or carries user
     *     info, a query or a fragment (credentials belong in headers, never in URLs)
     */
    public void baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      URI uri;
      try {
        uri = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("baseUrl is not a valid URL: " + e.getMessage(), e);
      }
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException("baseUrl must be an absolute http or https URL but was " + baseUrl);
      }
      if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "baseUrl must not carry user info, a query or a fragment; use queryParameter(...) and headers");
      }
      this.baseUri = uri;
    }

    /** Sets the API key. */
    public void apiKey(Secret apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    /** The API key set so far, or null. */
    public @Nullable Secret apiKey() {
      return apiKey;
    }

    /** The base URL set so far. */
    public URI baseUri() {
      return Objects.requireNonNull(baseUri, "baseUrl");
    }

    /**
     * Adds a header sent with every request.
     *
     * @throws IllegalArgumentException if the name is blank or one the HTTP client manages
     */
    public void header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank() || RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("header name must not be blank or one of " + RESERVED_HEADERS
            + " but was '" + name + "'");
      }
      headers.put(name, value);
    }

    /** Adds a query parameter sent with every request (such as Azure's {@code api-version}). */
    public void queryParameter(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank()) {
        throw new IllegalArgumentException("query parameter name must not be blank");
      }
      queryParameters.put(name, value);
    }

    /**
     * Sets the connect timeout (default 10 s); ignored when an HTTP client is supplied.
     *
     * @throws IllegalArgumentException if not positive
     */
    public void connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
    }

    /**
     * Sets how long to wait for the response headers (default 60 s). A stream's body is not
     * bounded by it: the call's deadline bounds that.
     *
     * @throws IllegalArgumentException if not positive
     */
    public void timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
    }

    /** Sets the clock (default the system UTC clock). */
    public void clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Sets the HTTP client (default: a new client with the connect timeout, preferring HTTP/2 for
     * https URLs and using HTTP/1.1 for plain http).
     */
    public void httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    }

    /** Builds the settings. */
    public EndpointSettings build() {
      HttpClient client = httpClient;
      if (client == null) {
        // HTTP/2 over TLS (ALPN); plain-http servers (local Ollama, vLLM) get HTTP/1.1 rather than an
        // h2c upgrade attempt, which few of them support.
        boolean tls = "https".equals(baseUri().getScheme());
        client = HttpClient.newBuilder()
            .version(tls ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
      }
      return new EndpointSettings(this, client);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + d);
      }
      return d;
    }
  }
}
