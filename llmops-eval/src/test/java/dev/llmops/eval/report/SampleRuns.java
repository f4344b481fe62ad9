package dev.llmops.eval.report;

import dev.llmops.eval.compare.Comparison;
import dev.llmops.eval.compare.GatePolicy;
import dev.llmops.eval.run.CaseOutcome;
import dev.llmops.eval.run.RepeatRule;
import dev.llmops.eval.run.RunResult;
import java.util.ArrayList;
import java.util.List;

/** Two runs of 40 cases in 4 tags, the candidate worse on tag "billing" and on a critical case. */
final class SampleRuns {
  static final List<String> TAGS = List.of("billing", "account", "security", "shipping");

  private SampleRuns() {}

  static RunResult run(String name, boolean worse) {
    List<CaseOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String tag = TAGS.get(i % 4);
      List<String> tags = i == 2 ? List.of(tag, "critical") : List.of(tag);
      boolean passed = worse ? !(tag.equals("billing") && i < 30) && i != 2 : i != 7;
      double score = passed ? 0.8 + (i % 5) * 0.05 : 0.2 + (i % 3) * 0.1;
      String answer = worse ? "Short <answer> & \"quotes\" " + i : "A complete answer to ticket " + i + ".";
      outcomes.add(new CaseOutcome("c-" + i, tags, 1, passed ? 1 : 0, passed, score, 100_000L + i * 1_000L,
          300 + i * 5, answer, passed ? "" : "contains: missing 'refund'", 0));
    }
    return new RunResult("tickets", "0123456789abcdef", 40, name, "prompt=support label=" + name, 1,
        RepeatRule.MAJORITY, 0, false, outcomes, 5_000_000L, null, 0);
  }

  static Comparison comparison() {
    return Comparison.of(run("production", false), run("candidate", true), GatePolicy.defaults());
  }
}
