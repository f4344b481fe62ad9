package dev.llmops.examples.support.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.llmops.eval.cli.EvalCommand;
import dev.llmops.eval.compare.Verdict;
import dev.llmops.eval.gate.GateResult;
import dev.llmops.eval.judge.JudgeCalibration;
import dev.llmops.eval.junit5.GoldenDataset;
import dev.llmops.eval.junit5.GoldenRun;
import dev.llmops.eval.junit5.RegressionError;
import dev.llmops.eval.run.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The support assistant's quality gate, offline: the production prompt holds the committed
 * baseline; the terse candidate is caught as a regression by the JUnit gate and by the command
 * line; the HTML report lands in {@code target/llmops-eval}.
 */
class SupportQualityGateTest {
  static final String BASELINE = "src/test/resources/support/eval/baseline.json";

  @GoldenDataset(value = SupportEvalSuite.DATASET, baseline = BASELINE)
  void theProductionPromptHoldsTheBaseline(GoldenRun golden) {
    try (SupportEvalSuite suite = new SupportEvalSuite()) {
      RunResult run = suite.run(suite.candidate("production"));
      GateResult result = golden.check(run);
      if (result.status() == GateResult.Status.BASELINE_WRITTEN) {
        return; // -Dllmops.eval.updateBaseline=true rewrote the baseline
      }
      assertThat(result.comparison().verdict()).isEqualTo(Verdict.NO_SIGNIFICANT_CHANGE);
      assertThat(run.passed()).isEqualTo(46);
      assertThat(result.report()).exists();
    }
  }

  /** Not run by Maven (its name does not end in Test): the test below runs it through the engine. */
  static class TerseCandidateGate {
    @GoldenDataset(value = SupportEvalSuite.DATASET, baseline = BASELINE)
    void theTerseCandidateHoldsTheBaseline(GoldenRun golden) {
      try (SupportEvalSuite suite = new SupportEvalSuite()) {
        golden.check(suite.run(suite.candidate("terse")));
      }
    }
  }

  @Test
  void theJUnitGateFailsTheTerseCandidateListingTheRegressedCases() {
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(TerseCandidateGate.class)).execute()
        .testEvents();
    tests.assertStatistics(s -> s.started(1).failed(1).succeeded(0));
    tests.assertThatEvents().haveExactly(1, event(test("theTerseCandidateHoldsTheBaseline"), finishedWithFailure(
        instanceOf(RegressionError.class),
        message(m -> m.contains("REGRESSION on support-tickets@")
            && m.contains("critical cases")
            && m.contains("regressed cases (")
            && m.contains("t-041 [api-limits] contains:must_mention: missing '600 requests per minute'")))));
  }

  @Test
  void theCommandLineExitsZeroForProductionAndOneForTheTerseCandidate() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int production = EvalCommand.execute(args("production"), print(out), print(err));
    int terse = EvalCommand.execute(args("terse"), print(out), print(err));

    assertThat(production).isZero();
    assertThat(terse).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("llmops-eval: PASSED (exit code 0)", "llmops-eval: REGRESSION (exit code 1)");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("why: critical cases");
    assertThat(Path.of("target/llmops-eval/report-terse.html")).exists();
    assertThat(Path.of("target/llmops-eval/report-terse.md")).exists();
  }

  @Test
  void everyCallOfTheRunNamesTheDatasetVersionAndTheJudgeIsCalibrated() {
    try (SupportEvalSuite suite = new SupportEvalSuite()) {
      RunResult run = suite.run(suite.candidate("terse"));
      assertThat(run.complete()).isTrue();
      assertThat(run.cost()).isPresent();
      assertThat(run.evaluationCost().isZero()).isFalse(); // the judge's calls were costed
      JudgeCalibration calibration = suite.calibration();
      assertThat(calibration.agreement().items()).isEqualTo(16);
      assertThat(calibration.agreement().observed()).isEqualTo(14.0 / 16);
      // People and judge each say pass 9 times of 16: pe = (9/16)^2 + (7/16)^2 = 130/256.
      double pe = 130.0 / 256;
      assertThat(calibration.agreement().kappa()).isCloseTo((14.0 / 16 - pe) / (1 - pe), within(1e-12));
      assertThat(calibration.disagreements()).containsExactly("c-05", "c-08");
      assertThat(suite.judge().malformedReplies()).isZero();
    }
  }

  @Test
  void theResultsFileRecordsTheDatasetInEachFingerprint() throws Exception {
    try (SupportEvalSuite suite = new SupportEvalSuite()) {
      RunResult run = suite.run(suite.candidate("production"));
      String firstResult = Files.readAllLines(run.resultsFile()).get(1);
      assertThat(firstResult).contains("\"prompt\":\"support-reply\"", "\"version\":2",
          "\"dataset\":\"" + suite.dataset().id() + "\"");
    }
  }

  private static String[] args(String candidate) {
    return new String[] {"run", "--suite", SupportEvalSuite.class.getName(), "--candidate", candidate,
        "--baseline", BASELINE, "--reports", "target/llmops-eval"};
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
