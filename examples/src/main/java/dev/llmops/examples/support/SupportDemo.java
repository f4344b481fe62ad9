package dev.llmops.examples.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.Dimension;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerSink;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.Scope;
import dev.llmops.core.budget.Window;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.shadow.InMemoryShadowSink;
import dev.llmops.core.prompt.FilePromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.jdbc.JdbcLedger;
import dev.llmops.jdbc.JdbcMigrations;
import dev.llmops.otel.OtelInstrumentation;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.TestClock;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Runs the {@link SupportAssistant} on a few hundred simulated tickets, offline, on fake models
 * with injected faults, and prints a report. Time is simulated on a {@link TestClock}: latencies,
 * {@code Retry-After} waits and budget windows pass in simulated time, so the run is fast and the
 * same on every machine.
 *
 * <p>The client carries every capability: prompts from files (label {@code production}), an
 * experiment sending 10% of users to a cheaper canary model with 5% shadow traffic, a tenant
 * budget, retries honouring {@code Retry-After} with a fallback model, accounting into a ledger,
 * redacted logging, and OpenTelemetry spans and metrics exported through the SDK's logging
 * exporter.
 *
 * <p>With {@code LLMOPS_JDBC_URL} set (user {@code LLMOPS_JDBC_USER}, default {@code postgres}), the
 * ledger goes to PostgreSQL too, through the ledger queue ({@code llmops-jdbc}), in schema {@code
 * LLMOPS_DEMO_SCHEMA} (default {@code llmops_support_demo}, migrated, its ledger emptied first), and
 * the report ends with the cost report read back from the database.
 */
public final class SupportDemo {
  /** The daily budget of each tenant. */
  static final String TENANT_BUDGET_USD = "0.10";

  private SupportDemo() {}

  /**
   * Runs the demo and prints its report, and nothing else: {@code [tickets] [--verbose]}, 300
   * tickets by default. {@code --verbose} also shows the assistant's (redacted) DEBUG log lines and
   * the spans and metrics through OpenTelemetry's logging exporter, on standard error. {@code
   * --canary-degrades} runs the other scenario instead: a simulated day in which a canary model
   * degrades at noon and the guarded rollout rolls it back ({@link CanaryDegradationDemo}).
   */
  public static void main(String[] args) {
    if (List.of(args).contains("--canary-degrades")) {
      System.out.println(CanaryDegradationDemo.run().render());
      return;
    }
    boolean verbose = List.of(args).contains("--verbose");
    if (!verbose) {
      // Before the first logger exists: slf4j-simple reads these once, and system properties win
      // over simplelogger.properties (which keeps the examples at DEBUG for --verbose).
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
      System.setProperty("org.slf4j.simpleLogger.log.dev.llmops.examples", "warn");
    }
    int tickets = 300;
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        tickets = Integer.parseInt(arg);
      }
    }
    String url = System.getenv("LLMOPS_JDBC_URL");
    if (url == null || url.isBlank()) {
      System.out.println(run(tickets, 7, verbose).render());
      return;
    }
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    cfg.setUsername(Objects.requireNonNullElse(System.getenv("LLMOPS_JDBC_USER"), "postgres"));
    String password = System.getenv("LLMOPS_JDBC_PASSWORD");
    if (password != null) {
      cfg.setPassword(password);
    }
    cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
    String schema = Objects.requireNonNullElse(System.getenv("LLMOPS_DEMO_SCHEMA"), "llmops_support_demo");
    try (HikariDataSource dataSource = new HikariDataSource(cfg)) {
      JdbcLedger database = emptyLedger(dataSource, schema);
      SupportReport report = run(tickets, 7, verbose, database);
      System.out.println(report.render());
      System.out.println(SupportReport.renderCosts("cost report from PostgreSQL (" + database + ")",
          database.summarize(Dimension.TENANT), database.summarize(Dimension.MODEL), database.total()));
    }
  }

  /**
   * The demo's ledger in {@code schema}: migrated, and emptied so the report covers this run only.
   */
  static JdbcLedger emptyLedger(DataSource dataSource, String schema) {
    JdbcMigrations.migrate(dataSource, schema);
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE " + schema + ".llmops_ledger");
    } catch (SQLException e) {
      throw new IllegalStateException("emptying the demo's ledger in schema " + schema + " failed", e);
    }
    return JdbcLedger.builder(dataSource).schema(schema).build();
  }

  /**
   * Runs the demo.
   *
   * @param tickets how many tickets to simulate
   * @param seed the seed of the simulated traffic and faults
   * @param exportTelemetry true to export spans and metrics through the SDK's logging exporter
   * @return the report
   */
  public static SupportReport run(int tickets, long seed, boolean exportTelemetry) {
    return run(tickets, seed, exportTelemetry, null);
  }

  /**
   * Runs the demo, writing the ledger to {@code database} too when it is given: through the client's
   * ledger queue, in batches, as a service would.
   *
   * @param database where ledger records also go, or null for memory only
   * @return the report (its figures from the in-memory copy of what reached the database)
   */
  public static SupportReport run(int tickets, long seed, boolean exportTelemetry, @Nullable JdbcLedger database) {
    TestClock clock = TestClock.create();
    ManualScheduler scheduler = ManualScheduler.on(clock);
    Fleet fleet = Fleet.create(scheduler);
    InMemoryLedger ledger = InMemoryLedger.create();
    InMemoryShadowSink shadows = InMemoryShadowSink.create();
    RecordingListener events = RecordingListener.create();
    OpenTelemetrySdk otel = exportTelemetry ? loggingTelemetry() : OpenTelemetrySdk.builder().build();
    Experiments experiments = Experiments.builder()
        .loadYaml(resource("support/experiments.yaml"), "support/experiments.yaml")
        .shadowSink(shadows)
        .clock(clock)
        .build();

    List<Reply> replies = new ArrayList<>();
    List<Duration> latencies = new ArrayList<>();
    // With a database, the in-memory ledger receives what the database took, batch by batch.
    LedgerSink sink = database == null ? ledger : LedgerSink.batched(batch -> {
      database.write(batch);
      batch.forEach(ledger::record);
    });
    try (LlmClient client = newClient(fleet, clock, scheduler, experiments, sink, otel)
        .listener(events)
        .build()) {
      SupportAssistant assistant = SupportAssistant.create(client, "Acme Widgets");
      SplittableRandom random = new SplittableRandom(seed);
      List<CompletableFuture<Reply>> pending = new ArrayList<>();
      for (int i = 0; i < tickets; i++) {
        fleet.injectFaults(i, random);
        Ticket ticket = Traffic.ticket(i, random);
        Instant start = clock.instant();
        CompletableFuture<Reply> reply = assistant.answerAsync(ticket);
        var unused = reply.whenComplete((r, e) -> latencies.add(Duration.between(start, clock.instant())));
        pending.add(reply);
        clock.advance(Duration.ofMillis(100)); // a ticket every 100 ms of simulated time
      }
      clock.advance(Duration.ofMinutes(5)); // let retries, fallbacks and shadow calls finish
      pending.forEach(p -> replies.add(p.join()));
    } finally {
      otel.getSdkMeterProvider().forceFlush();
      otel.close();
    }
    return SupportReport.of(replies, latencies, ledger, shadows, experiments.shadowStats(), events);
  }

  /**
   * The client of the demo, with every capability on, configured in one place. The application
   * adds its own listeners and builds it.
   */
  static LlmClient.Builder newClient(
      Fleet fleet, TestClock clock, ManualScheduler scheduler, Experiments experiments, LedgerSink ledger,
      OpenTelemetry otel) {
    PromptRegistry prompts = PromptRegistry.builder()
        .source(FilePromptSource.classpath(SupportDemo.class.getClassLoader(), "support/prompts"))
        .clock(clock)
        .build();
    return LlmClient.builder()
        .clock(clock)
        .scheduler(scheduler)
        .model("smart", fleet.smart())
        .model("canary", fleet.canary())
        .model("cheap", fleet.cheap())
        .defaultModel("smart")
        .prompts(prompts)
        .experiments(experiments)
        .accounting(Accounting.builder().ledger(ledger).build())
        .budgets(Budgets.builder()
            .budget(Budget.money(Scope.TENANT, dev.llmops.api.Money.usd(TENANT_BUDGET_USD), Window.daily()))
            .build())
        .resilience(Resilience.builder()
            .maxAttempts(3)
            .backoff(Duration.ofMillis(200), Duration.ofSeconds(2))
            .random(new SplittableRandom(11))
            .honourRetryAfter(Duration.ofSeconds(5))
            .deadline(Duration.ofSeconds(30))
            .fallbackTo("cheap")
            .build())
        .listener(OtelInstrumentation.builder(otel).clock(clock).build());
  }

  private static OpenTelemetrySdk loggingTelemetry() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create()))
            .build())
        .setMeterProvider(SdkMeterProvider.builder()
            .registerMetricReader(PeriodicMetricReader.builder(LoggingMetricExporter.create())
                .setInterval(Duration.ofHours(1)) // exported once, when the demo flushes
                .build())
            .build())
        .build();
  }

  static String resource(String name) {
    try (InputStream in = SupportDemo.class.getClassLoader().getResourceAsStream(name)) {
      return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fake models and the faults injected into them. */
  record Fleet(FakeChatModel smart, FakeChatModel canary, FakeChatModel cheap) {
    static Fleet create(ManualScheduler scheduler) {
      return new Fleet(
          fake(scheduler, "openai", "gpt-4o", 900, 1),
          fake(scheduler, "openai", "gpt-4o-mini", 450, 2),
          fake(scheduler, "anthropic", "claude-haiku-4-5", 350, 3));
    }

    private static FakeChatModel fake(ManualScheduler scheduler, String provider, String model, long latencyMillis, long seed) {
      return FakeChatModel.builder()
          .provider(provider)
          .modelId(model)
          .seed(seed)
          .wordsPerReply(60)
          .latency(Duration.ofMillis(latencyMillis))
          .scheduler(scheduler)
          .recordRequests(false)
          .build();
    }

    /**
     * Before ticket {@code i}: the primary model is sometimes rate limited (Retry-After 1 s) or
     * down (503), and overloaded for a stretch of tickets (which exhausts the retries and falls
     * back to the cheap model).
     */
    void injectFaults(int i, SplittableRandom random) {
      double roll = random.nextDouble();
      if (i >= 150 && i < 170) {
        smart.failNext(3, Fault.overloaded());
      } else if (roll < 0.06) {
        smart.failNext(1, Fault.rateLimited(Duration.ofSeconds(1)));
      } else if (roll < 0.09) {
        smart.failNext(1, Fault.serverError(503));
      }
    }
  }

  /** The simulated customers and what they ask. */
  static final class Traffic {
    private static final String[] TENANTS = {"acme", "acme", "acme", "globex", "globex", "initech"};
    private static final String[] PLANS = {"free", "pro", "enterprise"};
    private static final String[] QUESTIONS = {
      "How do I reset my password?",
      "Why was I charged twice this month? My card is 4111 1111 1111 1111.",
      "Please send the invoice to jane.doe@example.com",
      "Can I export my data as CSV?",
      "The app crashes when I upload a file over 2 GB.",
      "Call me back on +44 20 7946 0958 about the upgrade.",
      "How many seats does the pro plan include?",
    };

    private Traffic() {}

    static Ticket ticket(int i, SplittableRandom random) {
      String tenant = TENANTS[random.nextInt(TENANTS.length)];
      String user = tenant + "-user-" + random.nextInt(40);
      return new Ticket(
          tenant, user, PLANS[random.nextInt(PLANS.length)], QUESTIONS[random.nextInt(QUESTIONS.length)] + " (#" + i + ")");
    }
  }
}
