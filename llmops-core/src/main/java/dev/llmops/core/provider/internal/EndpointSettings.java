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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP settings every adapter shares: where to send, the model id, credentials and extra
 * headers, timeouts, size caps, the clock, the HTTP client and the executor it runs on. Immutable
 * and thread-safe; made by {@link Builder}, whose setters validate at once. {@link #close()}
 * stops the executor when the settings made it.
 */
public final class EndpointSettings implements AutoCloseable {
  /** Default cap on a response body, and on the whole body of a stream: 32 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L << 20;

  /** Default cap on one server-sent event (its lines and data together): 1 MiB. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;

  private static final Set<String> RESERVED_HEADERS =
      Set.of("content-length", "host", "connection", "expect", "upgrade");
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final AtomicBoolean ADVISED = new AtomicBoolean();
  private static final Logger LOG = LoggerFactory.getLogger(EndpointSettings.class);

  private final URI baseUri;
  private final String model;
  private final @Nullable Secret apiKey;
  private final String keyHeader;
  private final String keyPrefix;
  private final Map<String, String> headers;
  private final String query;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient httpClient;
  private final @Nullable ExecutorService ownedExecutor;
  private final long maxResponseBytes;
  private final int maxEventBytes;

  private EndpointSettings(Builder b, HttpClient httpClient, @Nullable ExecutorService ownedExecutor) {
    this.baseUri = b.baseUri();
    this.model = Objects.requireNonNull(b.model, "model");
    this.apiKey = b.apiKey;
    this.keyHeader = b.keyHeader;
    this.keyPrefix = b.keyPrefix;
    this.headers = Map.copyOf(b.headers);
    this.query = query(b.queryParameters);
    this.timeout = b.timeout;
    this.clock = b.clock;
    this.httpClient = httpClient;
    this.ownedExecutor = ownedExecutor;
    this.maxResponseBytes = b.maxResponseBytes;
    this.maxEventBytes = b.maxEventBytes;
  }

  private static String query(Map<String, String> parameters) {
    StringBuilder q = new StringBuilder();
    parameters.forEach((name, value) -> q.append(q.length() == 0 ? '?' : '&')
        .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
        .append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return q.toString();
  }

  /** The base URL, without a trailing slash. */
  public URI baseUri() {
    return baseUri;
  }

  /** The provider's model id sent with every request. */
  public String model() {
    return model;
  }

  /** The clock that reads "now" for {@code retry-after} dates. */
  public Clock clock() {
    return clock;
  }

  /** The HTTP client requests go through. */
  public HttpClient httpClient() {
    return httpClient;
  }

  /** The most bytes a response body (or the whole body of a stream) may have. */
  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  /** The most bytes one server-sent event may have, its field names and line ends included. */
  public int maxEventBytes() {
    return maxEventBytes;
  }

  /**
   * The request every call to {@code path} under the base URL starts from: the query parameters,
   * the timeout, the JSON content type, what it accepts, the extra headers and the credentials,
   * which always go in a header. Made once per model and {@linkplain HttpRequest.Builder#copy()
   * copied} per call, so a call parses no URL and checks no header again. Never modify it.
   */
  public HttpRequest.Builder template(String path, boolean streaming) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUri + path + query))
        .timeout(timeout)
        .header("content-type", "application/json")
        .header("accept", streaming ? "text/event-stream" : "application/json");
    headers.forEach(request::header);
    Secret key = apiKey;
    if (key != null) {
      request.header(keyHeader, keyPrefix + key.reveal());
    }
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

  /** Stops the executor these settings made for their HTTP client; a supplied client is left alone. */
  @Override
  public void close() {
    ExecutorService executor = ownedExecutor;
    if (executor != null) {
      executor.shutdown();
    }
  }

  @Override
  public String toString() {
    return "EndpointSettings[" + baseUri + ", apiKey=" + (apiKey == null ? "none" : apiKey) + "]";
  }

  /** Builds {@link EndpointSettings}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final String defaultBaseUrl;
    private final String keyVariable;
    private final String exampleModel;
    private @Nullable URI baseUri;
    private @Nullable String model;
    private @Nullable Secret apiKey;
    private String keyHeader;
    private String keyPrefix;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> queryParameters = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();
    private @Nullable HttpClient httpClient;
    private HttpClient.@Nullable Version httpVersion;
    private @Nullable SSLContext sslContext;
    private int ioThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;

    /**
     * A builder with the defaults: 10 s connect timeout, 60 s response timeout, the UTC clock,
     * the size caps above, and the key sent as {@code keyHeader: keyPrefix<key>}.
     *
     * @param defaultBaseUrl the provider's own URL, which needs an API key
     * @param keyVariable the environment variable named in the error when that key is missing
     * @param exampleModel a model id named in the error when no model is set
     */
    public Builder(String defaultBaseUrl, String keyVariable, String exampleModel, String keyHeader, String keyPrefix) {
      this.defaultBaseUrl = defaultBaseUrl;
      this.keyVariable = keyVariable;
      this.exampleModel = exampleModel;
      this.keyHeader = keyHeader;
      this.keyPrefix = keyPrefix;
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

    /** The base URL set so far. */
    public URI baseUri() {
      return Objects.requireNonNull(baseUri, "baseUrl");
    }

    /**
     * Sets the provider's model id.
     *
     * @throws IllegalArgumentException if blank
     */
    public void model(String model) {
      this.model = nonBlank(model, "model");
    }

    /** True once a model id is set. */
    public boolean hasModel() {
      return model != null;
    }

    /** Sets the API key. */
    public void apiKey(Secret apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    /**
     * Sends the key as {@code name: prefix<key>}.
     *
     * @throws IllegalArgumentException if the name is blank or one the HTTP client manages
     */
    public void keyHeader(String name, String prefix) {
      this.keyHeader = headerName(name);
      this.keyPrefix = Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * Adds a header sent with every request.
     *
     * @throws IllegalArgumentException if the name is blank or one the HTTP client manages
     */
    public void header(String name, String value) {
      headers.put(headerName(name), Objects.requireNonNull(value, "value"));
    }

    private static String headerName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank() || RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("header name must not be blank or one of " + RESERVED_HEADERS
            + " but was '" + name + "'");
      }
      return name;
    }

    /** Adds a query parameter sent with every request (such as Azure's {@code api-version}). */
    public void queryParameter(String name, String value) {
      Objects.requireNonNull(value, "value");
      queryParameters.put(nonBlank(name, "query parameter name"), value);
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
     * Sets how long to wait for the response headers (default 60 s). The body is not bounded by
     * it: the call's deadline bounds that.
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

    /** Sets the HTTP client; its version and executor are then its own. */
    public void httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    }

    /** Sets the HTTP version of the client the settings make (default: HTTP/2 for https, HTTP/1.1 for http). */
    public void httpVersion(HttpClient.Version version) {
      this.httpVersion = Objects.requireNonNull(version, "version");
    }

    /** Sets the TLS context of the client the settings make (default the JVM's), for a private CA. */
    public void sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
    }

    /**
     * Sets the number of threads of the client's executor (default the number of processors, at
     * least 2).
     *
     * @throws IllegalArgumentException if less than 1
     */
    public void ioThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("ioThreads must be >= 1 but was " + threads);
      }
      this.ioThreads = threads;
    }

    /**
     * Sets the cap on a response body and on the whole body of a stream (default 32 MiB).
     *
     * @throws IllegalArgumentException if less than 1 KiB
     */
    public void maxResponseBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be >= 1024 but was " + bytes);
      }
      this.maxResponseBytes = bytes;
    }

    /**
     * Sets the cap on one server-sent event (default 1 MiB).
     *
     * @throws IllegalArgumentException if less than 1 KiB
     */
    public void maxEventBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxEventBytes must be >= 1024 but was " + bytes);
      }
      this.maxEventBytes = bytes;
    }

    /**
     * Builds the settings: when no HTTP client was supplied, a new one on a bounded executor of
     * {@link #ioThreads} daemon threads (which end after a minute idle) that the settings own.
     *
     * @param adapter the adapter's class name, for the errors
     * @throws IllegalStateException if no model is set, or the provider's own URL has no key
     */
    public EndpointSettings build(String adapter) {
      if (model == null) {
        throw new IllegalStateException(
            "model is required: " + adapter + ".builder().model(\"" + exampleModel + "\")");
      }
      if (apiKey == null && baseUri().toString().equals(defaultBaseUrl)) {
        throw new IllegalStateException(
            "apiKey is required for " + defaultBaseUrl + ": apiKey(Secret.fromEnv(\"" + keyVariable + "\"))");
      }
      HttpClient client = httpClient;
      if (client != null) {
        return new EndpointSettings(this, client, null);
      }
      ThreadPoolExecutor executor = executor(ioThreads, model);
      adviseOnCommonPool();
      // Without a version, HTTP/2 over TLS (ALPN); plain-http servers (local Ollama, vLLM) get
      // HTTP/1.1 rather than an h2c upgrade attempt on every request, which few of them accept.
      HttpClient.Version version = httpVersion != null ? httpVersion
          : "https".equals(baseUri().getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
      HttpClient.Builder http = HttpClient.newBuilder()
          .version(version)
          .connectTimeout(connectTimeout)
          .followRedirects(HttpClient.Redirect.NEVER)
          .executor(executor);
      SSLContext tls = sslContext;
      if (tls != null) {
        http.sslContext(tls);
      }
      client = http.build();
      return new EndpointSettings(this, client, executor);
    }

    /**
     * Says once per JVM what the JDK client does where {@code CompletableFuture}'s default executor
     * is a thread per task (a common pool of parallelism 1, on fewer than 3 processors): {@code
     * sendAsync} completes each response's future through that executor, so every response
     * starts a short-lived thread, whatever executor the client has.
     */
    private static void adviseOnCommonPool() {
      if (ForkJoinPool.getCommonPoolParallelism() < 2 && ADVISED.compareAndSet(false, true)) {
        LOG.info("The JDK HTTP client starts a short-lived thread for each response in this JVM (the common "
            + "ForkJoinPool has parallelism {}); run with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 "
            + "to keep those on the common pool. See docs/providers.md.", ForkJoinPool.getCommonPoolParallelism());
      }
    }

    /**
     * A fixed pool: the JDK client's default is a cached pool that starts a thread whenever all
     * are busy, on the caller's thread, so thousands of calls in flight meant hundreds of threads.
     */
    private static ThreadPoolExecutor executor(int threads, String model) {
      int pool = POOLS.incrementAndGet();
      AtomicInteger count = new AtomicInteger();
      ThreadFactory factory = r -> {
        Thread t = new Thread(r, "llmops-http-" + pool + "-" + count.incrementAndGet() + " (" + model + ")");
        t.setDaemon(true);
        return t;
      };
      ThreadPoolExecutor executor = new ThreadPoolExecutor(
          threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
      executor.allowCoreThreadTimeOut(true);
      return executor;
    }

    private static String nonBlank(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
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
