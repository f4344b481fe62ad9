package dev.llmops.eval.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.llmops.core.LlmClient;
import dev.llmops.eval.Fixtures;
import dev.llmops.eval.cli.EvalCommand;
import dev.llmops.eval.compare.Baseline;
import dev.llmops.eval.evaluator.Evaluators;
import dev.llmops.eval.junit5.GoldenDataset;
import dev.llmops.eval.junit5.GoldenRun;
import dev.llmops.eval.junit5.RegressionError;
import dev.llmops.eval.run.Candidate;
import dev.llmops.eval.run.EvalRunner;
import dev.llmops.eval.run.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;

class GateTest {
  @TempDir Path dir;

  private RunResult run(String label) {
    Fixtures f = new Fixtures();
    try (LlmClient client = f.client(f.capitals(Duration.ZERO)).build()) {
      return EvalRunner.builder(client).evaluators(Evaluators.contains("Paris")).resultsDirectory(dir.resolve("results"))
          .build().run(Fixtures.questions(12), Candidate.prompt("qa").withLabel(label));
    }
  }

  @Test
  void theGateWritesAMissingBaselineOnlyWhenAskedAndThenHoldsIt() {
    Path baseline = dir.resolve("baseline.json");
    RunResult production = run("production");
    GateResult none = QualityGate.builder(baseline).build().check(production);
    assertThat(none.status()).isEqualTo(GateResult.Status.NO_BASELINE);
    assertThat(none.message()).contains("-Dllmops.eval.updateBaseline=true");
    assertThat(QualityGate.builder(baseline).updateBaseline(true).build().check(production).status())
        .isEqualTo(GateResult.Status.BASELINE_WRITTEN);
    GateResult again = QualityGate.builder(baseline).reports(dir, "again").build().check(production);
    assertThat(again.status()).isEqualTo(GateResult.Status.PASSED);
    assertThat(again.report()).isEqualTo(dir.resolve("again.html"));
    GateResult worse = QualityGate.builder(baseline).reports(dir, "worse").build().check(run("candidate"));
    assertThat(worse.status()).isEqualTo(GateResult.Status.REGRESSION);
    assertThat(worse.failed()).isTrue();
  }

  @Test
  void theCommandLineComparesFilesWithExitCodes() {
    Path baseline = dir.resolve("baseline.json");
    Baseline.write(run("production"), baseline);
    RunResult worse = run("candidate");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    String reports = dir.resolve("reports").toString();
    assertThat(EvalCommand.execute(new String[] {"compare", "--baseline", baseline.toString(), "--candidate",
        worse.resultsFile().toString(), "--reports", reports}, o, e)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("REGRESSION on capitals@", "regressed cases (12):");
    assertThat(EvalCommand.execute(new String[] {"compare", "--baseline", baseline.toString(), "--candidate",
        baseline.toString(), "--reports", reports}, o, e)).isZero();
    assertThat(EvalCommand.execute(new String[] {"compare", "--baseline", dir.resolve("none.json").toString(),
        "--candidate", baseline.toString()}, o, e)).isEqualTo(2);
    assertThat(EvalCommand.execute(new String[] {"compare", "--bogus", "x"}, o, e)).isEqualTo(EvalCommand.USAGE);
    assertThat(EvalCommand.execute(new String[] {"launch"}, o, e)).isEqualTo(EvalCommand.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus", "unknown command 'launch'", "usage:");
    assertThat(Files.exists(Path.of(reports, "report.html"))).isTrue();
  }

  /** Run through the JUnit engine by the tests below. */
  static class NoBaselineYet {
    @GoldenDataset(value = "datasets/capitals.yaml", baseline = "target/no-such-baseline.json")
    void holds(GoldenRun golden) {
      golden.check(GateTest.runOn(golden));
    }
  }

  static class NeverRuns {
    @GoldenDataset(value = "datasets/capitals.yaml", baseline = "target/no-such-baseline.json")
    void forgets(GoldenRun golden) {
      assertThat(golden.dataset().size()).isEqualTo(3);
    }
  }

  static RunResult runOn(GoldenRun golden) {
    Fixtures f = new Fixtures();
    try (LlmClient client = f.client(f.capitals(Duration.ZERO)).build()) {
      return EvalRunner.builder(client).build().run(golden.dataset(), Candidate.prompt("qa"));
    }
  }

  @Test
  void aGoldenDatasetTestFailsWithoutABaselineSayingHowToWriteIt() {
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(NoBaselineYet.class)).execute().testEvents()
        .assertThatEvents().haveExactly(1, event(test("holds"), finishedWithFailure(instanceOf(RegressionError.class),
            message(m -> m.contains("no baseline at") && m.contains("-Dllmops.eval.updateBaseline=true")))));
  }

  @Test
  void aGoldenDatasetTestThatNeverRunsItsDatasetFails() {
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(NeverRuns.class)).execute().testEvents()
        .assertThatEvents().haveExactly(1, event(test("forgets"), finishedWithFailure(instanceOf(AssertionError.class),
            message(m -> m.contains("never ran its dataset")))));
  }
}
