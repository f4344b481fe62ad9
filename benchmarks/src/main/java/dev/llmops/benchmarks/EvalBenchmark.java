package dev.llmops.benchmarks;

import dev.llmops.api.CallContext;
import dev.llmops.api.Cancellable;
import dev.llmops.api.Message;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.LlmClient;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.dataset.EvalCase;
import dev.llmops.eval.evaluator.Answer;
import dev.llmops.eval.evaluator.Evaluator;
import dev.llmops.eval.evaluator.Evaluators;
import dev.llmops.eval.evaluator.Sample;
import dev.llmops.eval.evaluator.Score;
import dev.llmops.eval.run.Candidate;
import dev.llmops.eval.run.EvalRunner;
import dev.llmops.eval.run.RunResult;
import dev.llmops.testkit.FakeChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
 * The evaluation runner (issue 18). {@code slowProvider}: 1,000 cases against a fake that answers
 * in 200 ms of real time, at concurrency 50; the wall time shows whether the runner keeps a slow
 * provider busy (the ideal is 1,000 / 50 x 200 ms = 4 s). {@code overheadPerCase}: 1,000 cases
 * against a fake that answers at once, so the time is the runner's own per case (pipeline,
 * evaluators, the results line written and flushed, the summary read back). {@code evaluators}:
 * five local checks (the example's four and a regular expression) on one 125-character answer, next to a model call's hundreds of
 * milliseconds. Run with {@code -prof gc} for B/op.
 */
@Fork(1)
@State(Scope.Benchmark)
public class EvalBenchmark {
  private static final String ANSWER =
      "Thanks for reaching out. Refunds are issued within 14 days of approval. The money goes back to the original payment method.";

  private ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private LlmClient slow = LlmClient.builder().model("m", FakeChatModel.create()).build();
  private LlmClient fast = slow;
  private Dataset thousand = Dataset.of("d", List.of(EvalCase.builder("x").variable("q", "x").build()));
  private List<Evaluator> checks = List.of();
  private Sample sample = new Sample("d@v", EvalCase.builder("x").variable("q", "x").build(), Answer.ofText(""), 0,
      CallContext.empty());

  /** Clients over a 200 ms fake on a real timer and over an instant fake; 1,000 cases. */
  @Setup(Level.Trial)
  public void setUp() {
    timer = new ScheduledThreadPoolExecutor(1);
    timer.setRemoveOnCancelPolicy(true);
    TaskScheduler scheduler = (task, delay) -> {
      ScheduledFuture<?> f = timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return (Cancellable) () -> f.cancel(false);
    };
    FakeChatModel slowModel = FakeChatModel.builder().latency(Duration.ofMillis(200)).scheduler(scheduler)
        .recordRequests(false).wordsPerReply(20).build();
    slow = LlmClient.builder().model("m", slowModel).scheduler(scheduler).build();
    fast = LlmClient.builder().model("m", FakeChatModel.builder().recordRequests(false).wordsPerReply(20).build()).build();
    List<EvalCase> cases = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      cases.add(EvalCase.builder("c-" + i).message(Message.user("Ticket " + i + ": where is my refund?"))
          .metadata("must", List.of("refund")).build());
    }
    thousand = Dataset.of("tickets", cases);
    checks = List.of(Evaluators.containsFromMetadata("must"), Evaluators.noPii(Redactor.defaults()),
        Evaluators.noRefusal(), Evaluators.length(20, 600), Evaluators.regex(Pattern.compile("\\brefunds?\\b")));
    sample = new Sample("d@v", cases.get(0), Answer.ofText(ANSWER), 0, CallContext.empty());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    slow.close();
    fast.close();
    timer.shutdownNow();
  }

  /** 1,000 cases, 200 ms each, concurrency 50: wall time in milliseconds. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 5)
  public RunResult slowProvider() {
    return EvalRunner.builder(slow).evaluators(checks).concurrency(50).build().run(thousand, Candidate.model("m"));
  }

  /** 1,000 cases, instant answers, concurrency 16: the runner's own time (divide by 1,000 per case). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public RunResult overheadPerCase() {
    return EvalRunner.builder(fast).evaluators(checks).concurrency(16).build().run(thousand, Candidate.model("m"));
  }

  /** The five local checks on one answer. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  public int evaluators() {
    int passed = 0;
    for (Evaluator e : checks) {
      Score s = e.evaluate(sample).toCompletableFuture().join();
      passed += s.passed() ? 1 : 0;
    }
    return passed;
  }
}
