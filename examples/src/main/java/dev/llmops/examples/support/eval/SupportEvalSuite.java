package dev.llmops.examples.support.eval;

import dev.llmops.api.CallContext;
import dev.llmops.api.Money;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.prompt.FilePromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.eval.cli.EvalSuite;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.evaluator.Evaluators;
import dev.llmops.eval.judge.JudgeCalibration;
import dev.llmops.eval.judge.LlmJudge;
import dev.llmops.eval.run.Candidate;
import dev.llmops.eval.run.EvalRunner;
import dev.llmops.eval.run.RunBudget;
import dev.llmops.eval.run.RunResult;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The support assistant's evaluation: the golden dataset {@code support/eval/golden-tickets.yaml},
 * its checks, and two candidates of the {@code support-reply} prompt, {@code production} (v2) and
 * {@code terse} (v3, label {@code candidate}). Runs offline on {@link SupportSimulator}'s fakes, on
 * simulated time: a run advances a {@link TestClock}, so the latencies in the report are the
 * fakes' and the run takes a fraction of a second.
 *
 * <p>Each answer must mention the ticket's facts ({@code metadata.must_mention}), repeat no
 * personal data, refuse only out-of-scope tickets, stay between 20 and 600 characters, and score at
 * least 3 of 5 with the LLM judge, whose rubric is the registry's {@code support-judge} prompt. The
 * run has a hard budget of 1 USD. The command line creates it by name:
 *
 * <pre>
 * EvalCommand run --suite dev.llmops.examples.support.eval.SupportEvalSuite --candidate terse --baseline FILE
 * </pre>
 */
public final class SupportEvalSuite implements EvalSuite {
  /** The golden dataset's class-path resource. */
  public static final String DATASET = "support/eval/golden-tickets.yaml";
  /** The judge calibration set's class-path resource. */
  public static final String CALIBRATION = "support/eval/judge-calibration.yaml";
  /** The company the prompts name. */
  static final Map<String, Object> CONSTANTS = Map.of("company", "Acme Widgets", "tone", "friendly and precise");

  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final RunBudget budget = RunBudget.of(Money.usd("1.00"));
  private final LlmClient client;
  private final LlmJudge judge;
  private final EvalRunner runner;
  private final Dataset dataset;

  /** The suite, with its client and fakes (the command line calls this). */
  public SupportEvalSuite() {
    PromptRegistry prompts = PromptRegistry.builder()
        .source(FilePromptSource.classpath(SupportEvalSuite.class.getClassLoader(), "support/prompts"))
        .clock(clock)
        .build();
    client = LlmClient.builder()
        .clock(clock)
        .scheduler(scheduler)
        .model("smart", SupportSimulator.supportModel(scheduler))
        .model("judge", SupportSimulator.judgeModel(scheduler))
        .defaultModel("smart")
        .prompts(prompts)
        .accounting(Accounting.create())
        .budgets(Budgets.builder().budget(budget.budget()).build())
        .build();
    judge = LlmJudge.builder(client, "support-judge").scale(1, 5).passThreshold(0.5).build();
    runner = EvalRunner.builder(client)
        .evaluators(
            Evaluators.containsFromMetadata("must_mention"),
            Evaluators.noPii(Redactor.defaults()),
            Evaluators.refusal(c -> c.hasTag("out-of-scope")),
            Evaluators.length(20, 600),
            judge)
        .concurrency(8)
        .budget(budget)
        .context(CallContext.ofTenant("acme-qa").withFeature("support-eval"))
        .build();
    dataset = Dataset.fromClasspath(SupportEvalSuite.class.getClassLoader(), DATASET);
  }

  @Override
  public Dataset dataset() {
    return dataset;
  }

  @Override
  public EvalRunner runner() {
    return runner;
  }

  @Override
  public List<String> candidates() {
    return List.of("production", "terse");
  }

  @Override
  public Candidate candidate(String name) {
    return switch (name) {
      case "production" -> Candidate.prompt("support-reply").withLabel("production").withVariables(CONSTANTS);
      case "terse" -> Candidate.prompt("support-reply").withLabel("candidate").withVariables(CONSTANTS);
      default -> throw new IllegalArgumentException("no candidate '" + name + "'; there are " + candidates());
    };
  }

  /** Runs on simulated time: the clock moves 10 ms at a time until the run is done. */
  @Override
  public RunResult run(Candidate candidate) {
    return drive(runner.runAsync(dataset, candidate));
  }

  /** The judge against the 16 human-labelled answers of {@link #CALIBRATION}. */
  @Override
  public JudgeCalibration calibration() {
    Dataset labelled = Dataset.fromClasspath(SupportEvalSuite.class.getClassLoader(), CALIBRATION);
    return drive(JudgeCalibration.run(judge, labelled, CallContext.ofTenant("acme-qa")));
  }

  private <T> T drive(CompletableFuture<T> f) {
    for (int i = 0; i < 100_000 && !f.isDone(); i++) {
      clock.advance(Duration.ofMillis(10));
    }
    return f.join();
  }

  /** The judge, for tests. */
  LlmJudge judge() {
    return judge;
  }

  @Override
  public void close() {
    client.close();
  }
}
