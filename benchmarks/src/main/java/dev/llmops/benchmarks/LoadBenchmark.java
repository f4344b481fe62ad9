package dev.llmops.benchmarks;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.LlmClient;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.server.FakeOpenAiServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;

/**
 * Many calls in flight over real HTTP (issue 15): {@code calls} concurrent {@code chatAsync} calls
 * through the real OpenAI adapter against the testkit's {@link FakeOpenAiServer} on loopback,
 * whose answers wait {@code latencyMs} on its scheduler. A bounded load run, not a JMH benchmark:
 * what it measures (peak threads, heap, the caller's time per submit under thousands of calls in
 * flight) is a property of one burst, not of a hot loop.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks -am -DskipTests package
 * java -cp benchmarks/target/benchmarks.jar dev.llmops.benchmarks.LoadBenchmark 10000 200 [both|http1|http2]
 * }</pre>
 *
 * <p>The server runs in a JVM of its own and each client configuration in a fresh one: peak
 * threads and heap are per JVM, and 10,000 HTTP/1.1 connections take a file descriptor at each
 * end. Configurations, in the order they run:
 *
 * <ul>
 *   <li>{@code jdk-executor}: the adapter on a client with the JDK's default executor (a cached
 *       pool), which is what the adapter had before it got its own;
 *   <li>{@code adapter}: the adapter as built by default (a fixed pool of {@code ioThreads});
 *   <li>{@code client}: the same adapter behind an {@link LlmClient} with the default pipeline.
 * </ul>
 *
 * <p>Each client first sends 2,000 calls to warm up (as a service that has run a while), then
 * submits all calls from one thread, as fast as it can, and waits for every answer. It prints one
 * line: the wall time from the first submit to the last answer; the caller's time per submit (wall:
 * mean, median, 99th percentile; and the caller thread's CPU time); the peak number of live threads
 * ({@link ThreadMXBean#getPeakThreadCount}, reset before the burst) with the peak of each thread
 * name sampled every millisecond; the peak heap in use (the sum of the heap pools' peaks, reset
 * before the burst); failures. {@code adapter-fjp2} is {@code adapter} in a JVM whose common pool
 * has parallelism 2 (see docs/providers.md on the JDK client's completion hop).
 *
 * <p>Then the same over HTTP/2: a Jetty server over TLS (a throw-away certificate, h2 by ALPN, no
 * limit on concurrent streams) answers every call after {@code latencyMs} on its timer, without a
 * thread per waiting answer; {@code adapter-h2} and {@code client-h2} are {@code adapter} and
 * {@code client} with an {@code https} URL, so HTTP/2, the adapter's default there.
 */
public final class LoadBenchmark {
  private static final ChatRequest REQUEST = ChatRequest.of("What is the capital of France?");
  private static final int WARM_UP = 2_000;
  private static final List<String> CONFIGURATIONS = List.of("jdk-executor", "adapter", "client", "adapter-fjp2");
  private static final List<String> HTTP2_CONFIGURATIONS = List.of("adapter-h2", "client-h2");
  private static final String PASSWORD = "changeit";
  private static final byte[] ANSWER = ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
      + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
      + "\"content\":\"Paris.\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10}}").getBytes(StandardCharsets.UTF_8);
  /** Makes CompletableFuture's default executor the common pool on a machine with under 3 processors. */
  private static final String COMMON_POOL_OF_TWO = "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2";

  private LoadBenchmark() {}

  /**
   * Runs the benchmark ({@code [calls] [latencyMs]}), or one of its parts ({@code server
   * latencyMs}, {@code client configuration port calls}).
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      serve(Integer.parseInt(args[1]));
    } else if (args.length > 0 && args[0].equals("server-h2")) {
      serveHttp2(Integer.parseInt(args[1]), Path.of(args[2]));
    } else if (args.length > 0 && args[0].equals("client")) {
      Path keystore = args.length > 4 ? Path.of(args[4]) : null;
      System.out.println(load(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), keystore));
    } else {
      int calls = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
      int latency = args.length > 1 ? Integer.parseInt(args[1]) : 200;
      String versions = args.length > 2 ? args[2] : "both";
      orchestrate(calls, latency, !versions.equals("http2"), !versions.equals("http1"));
    }
  }

  private static void orchestrate(int calls, int latencyMs, boolean http1, boolean http2) throws Exception {
    System.out.printf(Locale.ROOT, "%d calls, %d ms server latency, %d processors, %s%n", calls, latencyMs,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
    if (http1) {
      runAgainst(java(List.of(), "server", Integer.toString(latencyMs)), CONFIGURATIONS, calls, List.of());
    }
    if (!http2) {
      return;
    }
    Path dir = Files.createTempDirectory("llmops-load");
    Path keystore = dir.resolve("server.p12");
    try {
      makeKeystore(keystore);
      runAgainst(java(List.of(), "server-h2", Integer.toString(latencyMs), keystore.toString()), HTTP2_CONFIGURATIONS,
          calls, List.of(keystore.toString()));
    } finally {
      Files.deleteIfExists(keystore);
      Files.deleteIfExists(dir);
    }
  }

  /** Starts {@code server}, runs each configuration against it in a fresh JVM, stops it. */
  private static void runAgainst(ProcessBuilder serverCommand, List<String> configurations, int calls, List<String> extra)
      throws Exception {
    Process server = serverCommand.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String ready = out.readLine();
      if (ready == null || !ready.startsWith("port ")) {
        throw new IllegalStateException("the server did not start: " + ready);
      }
      String port = ready.substring("port ".length());
      for (String configuration : configurations) {
        List<String> jvm = configuration.endsWith("-fjp2") ? List.of(COMMON_POOL_OF_TWO) : List.of();
        List<String> args = new ArrayList<>(List.of("client", configuration, port, Integer.toString(calls)));
        args.addAll(extra);
        Process client = java(jvm, args.toArray(String[]::new)).redirectErrorStream(true).start();
        String result = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        client.waitFor();
        System.out.println(result);
      }
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A throw-away EC key and self-signed certificate for 127.0.0.1, made with the JDK's keytool. */
  private static void makeKeystore(Path keystore) throws Exception {
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
  }

  /** A TLS context that trusts the certificate in {@code keystore}. */
  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /**
   * The HTTP/2 server side: Jetty over TLS, h2 only, answering every call after {@code latencyMs}
   * on one timer thread (no thread waits with an answer), until its input closes.
   */
  private static void serveHttp2(int latencyMs, Path keystore) throws Exception {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "h2-server-timer");
      t.setDaemon(true);
      return t;
    });
    Server jetty = new Server();
    HttpConfiguration config = new HttpConfiguration();
    config.addCustomizer(new SecureRequestCustomizer());
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStorePath(keystore.toString());
    tls.setKeyStorePassword(PASSWORD);
    tls.setKeyStoreType("PKCS12");
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
    h2.setMaxConcurrentStreams(1_000_000);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2");
    alpn.setDefaultProtocol("h2");
    ServerConnector connector = new ServerConnector(jetty, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        // The body is read (without blocking) before answering: a stream whose request body is
        // left unread is reset, and Jetty's rate control closes a connection that resets many.
        Content.Source.consumeAll(request, Callback.from(() -> {
          var unused = timer.schedule(() -> {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(ANSWER), callback);
          }, latencyMs, TimeUnit.MILLISECONDS);
        }, callback::failed));
        return true;
      }
    });
    jetty.start();
    try {
      System.out.println("port " + connector.getLocalPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent ends
      }
    } finally {
      jetty.stop();
    }
  }

  /** A command running this class in a new JVM with the same class path and a 1 GiB heap. */
  private static ProcessBuilder java(List<String> options, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms1g", "-Xmx1g"));
    command.addAll(options);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadBenchmark.class.getName()));
    command.addAll(Arrays.asList(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
  }

  /** The server side: answers every call after {@code latencyMs}, until its input closes. */
  private static void serve(int latencyMs) throws IOException {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "fake-server-timer");
      t.setDaemon(true);
      return t;
    });
    TaskScheduler scheduler = (task, delay) -> {
      ScheduledFuture<?> f = timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
    FakeChatModel model = FakeChatModel.builder().modelId("gpt-4o-mini").latency(Duration.ofMillis(latencyMs))
        .scheduler(scheduler).recordRequests(false).build();
    try (FakeOpenAiServer server = FakeOpenAiServer.builder().model(model).scheduler(scheduler).start()) {
      System.out.println("port " + server.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent ends
      }
    }
  }

  /**
   * Counts live threads by name (digits dropped) every millisecond and keeps each name's peak: it
   * shows where threads come from (the JDK client's pool, a thread per task, ours).
   */
  private static final class ThreadSampler extends Thread {
    private final ThreadMXBean threads;
    private final Map<String, Integer> peaks = new TreeMap<>();

    ThreadSampler(ThreadMXBean threads) {
      super("load-thread-sampler");
      this.threads = threads;
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        Map<String, Integer> now = new TreeMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
          if (info != null) {
            now.merge(info.getThreadName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
          }
        }
        synchronized (this) {
          now.forEach((name, count) -> peaks.merge(name, count, Math::max));
        }
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    synchronized Map<String, Integer> peaks() {
      Map<String, Integer> many = new TreeMap<>();
      peaks.forEach((name, count) -> {
        if (count > 1) {
          many.put(name, count);
        }
      });
      return many;
    }
  }

  private static String load(String configuration, int port, int calls, @Nullable Path keystore) throws Exception {
    String url = (keystore != null ? "https" : "http") + "://127.0.0.1:" + port + "/v1";
    OpenAiChatModel.Builder builder = OpenAiChatModel.builder().baseUrl(url).model("gpt-4o-mini");
    if (keystore != null) {
      builder.apiKey(Secret.of("sk-load-0123456789")).sslContext(trusting(keystore)); // https: HTTP/2 by default
    }
    if (configuration.equals("jdk-executor")) {
      builder.httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }
    try (OpenAiChatModel model = builder.build(); LlmClient client = LlmClient.builder().model("gpt", model).build()) {
      Function<ChatRequest, CompletableFuture<?>> call = configuration.startsWith("client")
          ? client::chatAsync : model::chatAsync;
      // One call first: over HTTP/2 the JDK client opens a connection (a TLS handshake) for every
      // call sent before the first connection is up, and a burst of them times out connecting.
      call.apply(REQUEST).join();
      List<CompletableFuture<?>> warm = new ArrayList<>();
      for (int i = 0; i < WARM_UP; i++) {
        warm.add(call.apply(REQUEST));
      }
      warm.forEach(CompletableFuture::join);

      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      List<MemoryPoolMXBean> heap = new ArrayList<>();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          heap.add(pool);
        }
      }
      System.gc();
      int threadsBefore = threads.getThreadCount();
      threads.resetPeakThreadCount();
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);

      ThreadSampler sampler = new ThreadSampler(threads);
      sampler.start();
      long[] submit = new long[calls];
      List<CompletableFuture<?>> pending = new ArrayList<>(calls);
      long cpuStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      AtomicInteger inFlight = new AtomicInteger();
      int mostInFlight = 0;
      for (int i = 0; i < calls; i++) {
        long t = System.nanoTime();
        CompletableFuture<?> p = call.apply(REQUEST);
        submit[i] = System.nanoTime() - t;
        mostInFlight = Math.max(mostInFlight, inFlight.incrementAndGet());
        pending.add(p.whenComplete((answer, failure) -> inFlight.decrementAndGet()));
      }
      long submitted = System.nanoTime();
      long callerCpu = threads.getCurrentThreadCpuTime() - cpuStart;
      Map<String, Integer> failures = new TreeMap<>();
      String firstFailure = "";
      int answered = 0;
      for (CompletableFuture<?> p : pending) {
        try {
          p.join();
          answered++;
        } catch (CompletionException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          if (failures.isEmpty()) {
            firstFailure = String.valueOf(cause.getMessage());
          }
          failures.merge(cause.getClass().getSimpleName(), 1, Integer::sum);
        }
      }
      long end = System.nanoTime();
      sampler.interrupt();
      int peakThreads = threads.getPeakThreadCount();
      long peakHeap = 0;
      for (MemoryPoolMXBean pool : heap) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
      Arrays.sort(submit);
      return String.format(Locale.ROOT,
          "%-13s wall %6.0f ms | submit: all %7.1f ms, mean %7.1f us (caller CPU %6.1f us), p50 %6.1f us,"
              + " p99 %8.1f us | most in flight %d | threads %3d before, peak %4d (sampled by name %s)"
              + " | peak heap %5.0f MiB | answered %d, failed %s%s",
          configuration, (end - start) / 1e6, (submitted - start) / 1e6, (submitted - start) / 1e3 / calls,
          callerCpu / 1e3 / calls, submit[calls / 2] / 1e3, submit[(int) (calls * 0.99)] / 1e3, mostInFlight,
          threadsBefore,
          peakThreads, sampler.peaks(), peakHeap / 1048576.0, answered, failures,
          firstFailure.isEmpty() ? "" : " (first: " + firstFailure + ")");
    }
  }
}
