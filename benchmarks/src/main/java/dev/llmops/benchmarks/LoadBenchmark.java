package dev.llmops.benchmarks;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.LlmClient;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.server.FakeOpenAiServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

/**
 * Many calls in flight over real HTTP (issue 15): {@code calls} concurrent {@code chatAsync} calls
 * through the real OpenAI adapter against the testkit's {@link FakeOpenAiServer} on loopback,
 * whose answers wait {@code latencyMs} on its scheduler. A bounded load run, not a JMH benchmark:
 * what it measures (peak threads, heap, the caller's time per submit under thousands of calls in
 * flight) is a property of one burst, not of a hot loop.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks -am -DskipTests package
 * java -cp benchmarks/target/benchmarks.jar dev.llmops.benchmarks.LoadBenchmark 10000 200
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
 */
public final class LoadBenchmark {
  private static final ChatRequest REQUEST = ChatRequest.of("What is the capital of France?");
  private static final int WARM_UP = 2_000;
  private static final List<String> CONFIGURATIONS = List.of("jdk-executor", "adapter", "client", "adapter-fjp2");
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
    } else if (args.length > 0 && args[0].equals("client")) {
      System.out.println(load(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3])));
    } else {
      int calls = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
      int latency = args.length > 1 ? Integer.parseInt(args[1]) : 200;
      orchestrate(calls, latency);
    }
  }

  private static void orchestrate(int calls, int latencyMs) throws Exception {
    Process server = java(List.of(), "server", Integer.toString(latencyMs)).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String ready = out.readLine();
      if (ready == null || !ready.startsWith("port ")) {
        throw new IllegalStateException("the server did not start: " + ready);
      }
      String port = ready.substring("port ".length());
      System.out.printf(Locale.ROOT, "%d calls, %d ms server latency, %d processors, %s%n", calls, latencyMs,
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
      for (String configuration : CONFIGURATIONS) {
        List<String> jvm = configuration.endsWith("-fjp2") ? List.of(COMMON_POOL_OF_TWO) : List.of();
        Process client = java(jvm, "client", configuration, port, Integer.toString(calls)).redirectErrorStream(true).start();
        String result = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        client.waitFor();
        System.out.println(result);
      }
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
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

  private static String load(String configuration, int port, int calls) {
    String url = "http://127.0.0.1:" + port + "/v1";
    OpenAiChatModel.Builder builder = OpenAiChatModel.builder().baseUrl(url).model("gpt-4o-mini");
    if (configuration.equals("jdk-executor")) {
      builder.httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }
    try (OpenAiChatModel model = builder.build(); LlmClient client = LlmClient.builder().model("gpt", model).build()) {
      Function<ChatRequest, CompletableFuture<?>> call = configuration.equals("client")
          ? client::chatAsync : model::chatAsync;
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
      int answered = 0;
      for (CompletableFuture<?> p : pending) {
        try {
          p.join();
          answered++;
        } catch (CompletionException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
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
              + " | peak heap %5.0f MiB | answered %d, failed %s",
          configuration, (end - start) / 1e6, (submitted - start) / 1e6, (submitted - start) / 1e3 / calls,
          callerCpu / 1e3 / calls, submit[calls / 2] / 1e3, submit[(int) (calls * 0.99)] / 1e3, mostInFlight,
          threadsBefore,
          peakThreads, sampler.peaks(), peakHeap / 1048576.0, answered, failures);
    }
  }
}
