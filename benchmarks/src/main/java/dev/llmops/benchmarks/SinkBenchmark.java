package dev.llmops.benchmarks;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.accounting.LedgerSink;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.testkit.FakeChatModel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a ledger sink costs the call: accounting with no sink (the record is not even built), with
 * an in-memory ledger written in place (the record is built and appended), and with an application
 * sink written through the ledger queue by its own thread (the record is built and enqueued; the
 * difference to the in-memory ledger is the queue's). The sink counts records; the queue drops,
 * counted, what it cannot hold, and the in-memory ledger is cleared every iteration, so memory stays
 * flat. Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SinkBenchmark {
  private final LongAdder written = new LongAdder();
  private final LedgerSink counting = (LedgerRecord r) -> written.increment();
  private FakeChatModel model = FakeChatModel.create();
  private LlmClient noSink = LlmClient.builder().model("fake", model).build();
  private LlmClient queuedSink = noSink;
  private LlmClient inMemory = noSink;
  private InMemoryLedger ledger = InMemoryLedger.create();
  private ChatRequest request = ChatRequest.of("What is the capital of France?");

  /** Builds the clients on a priced model (gpt-4o in the bundled table). */
  @Setup(Level.Trial)
  public void setUp() {
    model = FakeChatModel.builder().provider("openai").modelId("gpt-4o").recordRequests(false).build();
    model.when(r -> true).reply("Paris is the capital of France.");
    noSink = LlmClient.builder().model("fake", model).accounting(Accounting.create()).build();
    queuedSink = LlmClient.builder().model("fake", model)
        .accounting(Accounting.builder().ledger(counting).ledgerQueue(SinkQueue.defaults()).build()).build();
    ledger = InMemoryLedger.create();
    inMemory = LlmClient.builder().model("fake", model).accounting(Accounting.builder().ledger(ledger).build()).build();
    request = ChatRequest.builder().user("What is the capital of France?").maxOutputTokens(64).build();
  }

  /** Forgets the fake's rules' state and the in-memory ledger's records so memory stays flat. */
  @Setup(Level.Iteration)
  public void forget() {
    ledger.clear();
    model.reset();
    model.when(r -> true).reply("Paris is the capital of France.");
  }

  /** Closes the clients (flushing the queue). */
  @TearDown(Level.Trial)
  public void tearDown() {
    noSink.close();
    queuedSink.close();
    inMemory.close();
  }

  /** Accounting with no ledger sink: costing only. */
  @Benchmark
  public Completion accountingWithoutSink() {
    return noSink.chat(request);
  }

  /** Accounting with an in-memory ledger, written in place. */
  @Benchmark
  public Completion accountingWithInMemoryLedger() {
    return inMemory.chat(request);
  }

  /** Accounting with an application ledger sink behind the ledger queue. */
  @Benchmark
  public Completion accountingWithQueuedSink() {
    return queuedSink.chat(request);
  }
}
