package dev.llmops.eval.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.eval.run.CaseOutcome;
import dev.llmops.eval.run.RepeatRule;
import dev.llmops.eval.run.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {
  @TempDir Path dir;

  /** {@code n} cases; case i passes when {@code passes} says so; case 0 is tagged critical. */
  static RunResult run(String name, int n, IntPredicate passes, int notRun) {
    List<CaseOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < n - (notRun > 0 ? 1 : 0); i++) {
      boolean p = passes.test(i);
      outcomes.add(new CaseOutcome("c-" + i, i == 0 ? List.of("critical") : List.of(i % 2 == 0 ? "even" : "odd"), 1,
          p ? 1 : 0, p, p ? 1 : 0, 1000, 100, "answer " + i, p ? "" : "why " + i, 0));
    }
    return new RunResult("d", "v1", n, name, name, 1, RepeatRule.MAJORITY, notRun, false, outcomes, 0, null, 0);
  }

  @Test
  void aSignificantDropBeyondTheThresholdIsARegression() {
    // 100 cases; the candidate newly fails 9 (b = 9) and fixes none (c = 0): p = 2 / 2^9.
    Comparison c = Comparison.of(run("base", 100, i -> true, 0), run("cand", 100, i -> i < 1 || i > 9, 0),
        GatePolicy.defaults());
    assertThat(c.verdict()).isEqualTo(Verdict.REGRESSION);
    assertThat(c.passRateDeltaPoints()).isEqualTo(-9.0);
    assertThat(c.test().pValue()).isEqualTo(2.0 / 512);
    assertThat(c.reasons()).singleElement().asString().startsWith("pass rate dropped by 9.0 points");
    assertThat(c.regressed()).hasSize(9).allSatisfy(ch -> assertThat(ch.critical()).isFalse());
    assertThat(c.gateFails()).isTrue();
    assertThat(c.summary()).contains("REGRESSION on d@v1", "regressed cases (9):", "c-5 [odd] why 5");
  }

  @Test
  void aDropThatIsNotSignificantIsNoSignificantChange() {
    // b = 4, c = 1 on 100 cases: -3 points but p = 0.375.
    Comparison c = Comparison.of(run("base", 100, i -> i != 50, 0), run("cand", 100, i -> i < 1 || i > 4, 0),
        GatePolicy.defaults());
    assertThat(c.passRateDeltaPoints()).isEqualTo(-3.0);
    assertThat(c.test().pValue()).isEqualTo(0.375);
    assertThat(c.verdict()).isEqualTo(Verdict.NO_SIGNIFICANT_CHANGE);
    assertThat(c.gateFails()).isFalse();
  }

  @Test
  void aSignificantDropWithinTheThresholdIsNoSignificantChange() {
    Comparison c = Comparison.of(run("base", 1000, i -> true, 0), run("cand", 1000, i -> i < 1 || i > 10, 0),
        GatePolicy.defaults());
    assertThat(c.test().pValue()).isLessThan(0.05);
    assertThat(c.passRateDeltaPoints()).isEqualTo(-1.0);
    assertThat(c.verdict()).isEqualTo(Verdict.NO_SIGNIFICANT_CHANGE);
  }

  @Test
  void aCriticalCaseThatNewlyFailsIsARegressionWhateverTheRate() {
    Comparison c = Comparison.of(run("base", 100, i -> true, 0), run("cand", 100, i -> i != 0, 0), GatePolicy.defaults());
    assertThat(c.verdict()).isEqualTo(Verdict.REGRESSION);
    assertThat(c.reasons()).containsExactly("critical case c-0 newly fails");
    assertThat(Comparison.of(run("base", 100, i -> true, 0), run("cand", 100, i -> i != 0, 0),
        GatePolicy.defaults().withCriticalTags(java.util.Set.of())).verdict()).isEqualTo(Verdict.NO_SIGNIFICANT_CHANGE);
  }

  @Test
  void aSignificantRiseIsAnImprovement() {
    Comparison c = Comparison.of(run("base", 100, i -> i < 1 || i > 9, 0), run("cand", 100, i -> true, 0),
        GatePolicy.defaults());
    assertThat(c.verdict()).isEqualTo(Verdict.IMPROVEMENT);
    assertThat(c.fixed()).hasSize(9);
  }

  @Test
  void theScoreGateUsesTheBootstrapInterval() {
    RunResult base = run("base", 50, i -> true, 0);
    RunResult cand = run("cand", 50, i -> i % 5 != 1, 0); // 10 of 50 fail: mean score 0.8
    Comparison c = Comparison.of(base, cand, GatePolicy.defaults().withMaxPassRateDrop(50).withMaxMeanScoreDrop(0.05));
    assertThat(c.scoreDifference().meanDifference()).isEqualTo(-0.2, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(c.verdict()).isEqualTo(Verdict.REGRESSION);
    assertThat(c.reasons()).anyMatch(r -> r.startsWith("mean score fell"));
  }

  @Test
  void anIncompleteCandidateFailsTheGate() {
    Comparison c = Comparison.of(run("base", 10, i -> true, 0), run("cand", 10, i -> true, 1), GatePolicy.defaults());
    assertThat(c.verdict()).isEqualTo(Verdict.NO_SIGNIFICANT_CHANGE);
    assertThat(c.gateFails()).isTrue();
    assertThat(c.onlyBaseline()).isEqualTo(1);
    assertThat(c.summary()).contains("INCOMPLETE: 1 case repeat(s) did not run");
  }

  @Test
  void baselineFilesAreStableAndReadBack() throws Exception {
    RunResult r = run("base", 30, i -> i % 7 != 3, 0);
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    Baseline.write(r, a);
    Baseline.write(Baseline.read(a), b);
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a));
    String text = Files.readString(a);
    assertThat(text.indexOf("\"c-10\"")).isLessThan(text.indexOf("\"c-2\"")); // sorted by id
    RunResult back = Baseline.read(a);
    assertThat(back.passed()).isEqualTo(r.passed());
    assertThat(back.outcomes()).hasSameSizeAs(r.outcomes());
    assertThat(Comparison.of(back, r, GatePolicy.defaults()).regressed()).isEmpty();
  }
}
