package dev.llmops.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI adapter over HTTP/2 and HTTP/1.1. Real providers speak HTTP/2 over TLS, negotiated
 * with ALPN; the JDK's own server speaks only HTTP/1.1, and the JDK client's other road to HTTP/2,
 * an {@code h2c} upgrade of a plain-http request, is not taken for requests with a body (servers
 * such as Jetty refuse to upgrade them). So HTTP/2 is tested against a Jetty server over TLS with a
 * throw-away certificate, which records the protocol and the connection of every request; the
 * plain-http behaviour (no upgrade by default, an ignored upgrade when HTTP/2 is asked for) against
 * the fake server.
 */
class HttpVersionTest {
  private static final String PASSWORD = "changeit";
  private static final String ANSWER = """
      {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
      "message":{"role":"assistant","content":"over the wire"},"finish_reason":"stop"}],
      "usage":{"prompt_tokens":3,"completion_tokens":3,"total_tokens":6}}""";
  private static final String STREAM = """
      data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

      data: {"choices":[{"index":0,"delta":{"content":"over "},"finish_reason":null}]}

      data: {"choices":[{"index":0,"delta":{"content":"h2"},"finish_reason":"stop"}]}

      data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}

      data: [DONE]

      """;

  @TempDir static Path dir;
  private static Server jetty;
  private static SSLContext trusting;
  private static int bothPort;
  private static int http11Port;
  private static final List<String> protocols = new CopyOnWriteArrayList<>();
  private static final Set<String> connections = ConcurrentHashMap.newKeySet();
  private static volatile CountDownLatch gate = new CountDownLatch(0);

  @BeforeAll
  static void startTlsServer() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool: " + output).isTrue();
    assertThat(keytool.exitValue()).as("keytool: " + output).isZero();

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    trusting = SSLContext.getInstance("TLS");
    trusting.init(null, trust.getTrustManagers(), null);

    jetty = new Server();
    ServerConnector both = connector(keystore, true);
    ServerConnector http11Only = connector(keystore, false);
    jetty.addConnector(both);
    jetty.addConnector(http11Only);
    jetty.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        protocols.add(request.getConnectionMetaData().getHttpVersion().asString());
        connections.add(request.getConnectionMetaData().getId());
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        CountDownLatch arrivals = gate;
        arrivals.countDown();
        if (!arrivals.await(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the calls did not arrive together");
        }
        boolean stream = body.contains("\"stream\":true");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, stream ? "text/event-stream" : "application/json");
        response.write(true, ByteBuffer.wrap((stream ? STREAM : ANSWER).getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
    });
    jetty.start();
    bothPort = both.getLocalPort();
    http11Port = http11Only.getLocalPort();
  }

  /** A TLS connector offering HTTP/2 and HTTP/1.1 by ALPN, or HTTP/1.1 alone. */
  private static ServerConnector connector(Path keystore, boolean http2) {
    HttpConfiguration config = new HttpConfiguration();
    config.addCustomizer(new SecureRequestCustomizer());
    HttpConnectionFactory http1 = new HttpConnectionFactory(config);
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStorePath(keystore.toString());
    tls.setKeyStorePassword(PASSWORD);
    tls.setKeyStoreType("PKCS12");
    ServerConnector connector;
    if (http2) {
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
      alpn.setDefaultProtocol(http1.getProtocol());
      connector = new ServerConnector(jetty, new SslConnectionFactory(tls, alpn.getProtocol()), alpn,
          new HTTP2ServerConnectionFactory(config), http1);
    } else {
      connector = new ServerConnector(jetty, new SslConnectionFactory(tls, http1.getProtocol()), http1);
    }
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    return connector;
  }

  @AfterAll
  static void stopTlsServer() throws Exception {
    jetty.stop();
  }

  private static OpenAiChatModel.Builder overTls(int port) {
    return OpenAiChatModel.builder().baseUrl("https://127.0.0.1:" + port + "/v1")
        .apiKey(Secret.of("sk-test-0123456789")).model("gpt-4o-mini").sslContext(trusting);
  }

  private static List<String> protocolsOf(Runnable calls) {
    protocols.clear();
    connections.clear();
    calls.run();
    return List.copyOf(protocols);
  }

  @Test
  void httpsDefaultsToHttp2ForBlockingAndStreamingCalls() {
    try (OpenAiChatModel model = overTls(bothPort).build()) {
      List<String> seen = protocolsOf(() -> {
        assertThat(model.chat(ChatRequest.of("hi")).text()).isEqualTo("over the wire");
        ChatResponse streamed = ChatModel.join(model.stream(ChatRequest.of("hi"), chunk -> {}));
        assertThat(streamed.text()).isEqualTo("over h2");
        assertThat(streamed.usage().outputTokens()).isEqualTo(2);
      });
      assertThat(seen).containsExactly("HTTP/2.0", "HTTP/2.0");
    }
  }

  @Test
  void callsInFlightTogetherShareOneHttp2Connection() throws Exception {
    try (OpenAiChatModel model = overTls(bothPort).build()) {
      model.chat(ChatRequest.of("open the connection"));
      int calls = 40;
      gate = new CountDownLatch(calls);
      List<String> seen = protocolsOf(() -> {
        List<CompletableFuture<ChatResponse>> pending = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          pending.add(model.chatAsync(ChatRequest.of("call " + i))); // answered once all have arrived
        }
        pending.forEach(p -> assertThat(ChatModel.join(p).text()).isEqualTo("over the wire"));
      });
      assertThat(seen).hasSize(calls).containsOnly("HTTP/2.0");
      assertThat(connections).as("HTTP/1.1 would have needed one connection per call").hasSize(1);
    } finally {
      gate = new CountDownLatch(0);
    }
  }

  @Test
  void http11WhenAskedForOrWhenTheServerOffersNothingElse() {
    try (OpenAiChatModel asked = overTls(bothPort).httpVersion(HttpClient.Version.HTTP_1_1).build();
        OpenAiChatModel negotiated = overTls(http11Port).build()) {
      assertThat(protocolsOf(() -> asked.chat(ChatRequest.of("hi")))).containsExactly("HTTP/1.1");
      List<String> fallBack = protocolsOf(() -> {
        assertThat(negotiated.chat(ChatRequest.of("hi")).text()).isEqualTo("over the wire");
        assertThat(ChatModel.join(negotiated.stream(ChatRequest.of("hi"), chunk -> {})).text()).isEqualTo("over h2");
      });
      assertThat(fallBack).as("ALPN falls back to what the server offers").containsExactly("HTTP/1.1", "HTTP/1.1");
    }
  }

  @Test
  void plainHttpSendsNoUpgradeUnlessHttp2IsAskedForAndThenFallsBack() {
    try (FakeOpenAiServer server = FakeOpenAiServer.start();
        OpenAiChatModel plain = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("m").build();
        OpenAiChatModel h2 = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("m")
            .httpVersion(HttpClient.Version.HTTP_2).build()) {
      server.enqueue(ScriptedResponse.reply("plain"), ScriptedResponse.reply("upgraded? no"));
      assertThat(plain.chat(ChatRequest.of("hi")).text()).isEqualTo("plain");
      assertThat(server.lastRequest().header("upgrade")).isNull();
      assertThat(h2.chat(ChatRequest.of("hi")).text()).isEqualTo("upgraded? no");
      assertThat(server.lastRequest().header("upgrade")).isEqualTo("h2c");
      assertThat(server.lastRequest().header("http2-settings")).isNotBlank();
    }
  }
}
