package dev.llmops.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.eval.compare.Comparison;
import dev.llmops.eval.compare.Verdict;
import dev.llmops.eval.judge.JudgeCalibration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportsTest {
  private final Comparison c = SampleRuns.comparison();

  @Test
  void theComparisonIsARegression() {
    assertThat(c.verdict()).isEqualTo(Verdict.REGRESSION);
    assertThat(c.regressed()).extracting(ch -> ch.caseId()).contains("c-0", "c-2", "c-4");
    assertThat(c.fixed()).extracting(ch -> ch.caseId()).containsExactly("c-7");
  }

  @Test
  void theHtmlReportIsSelfContained() {
    String html = Reports.html(c, null);
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>", "</html>");
    // Nothing fetched: no script, no link, no source or reference, no CSS import or url().
    assertThat(html).doesNotContain("<script", "<link", "src=", "href=", "@import", "url(", "@font-face");
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http://", "https://");
    assertThat(html).contains("id=\"chart-tag-pass-rates\"", "id=\"chart-score-distribution\"",
        "id=\"chart-cost-quality\"", "id=\"chart-latency-quality\"");
  }

  @Test
  void textFromRunsIsEscaped() {
    String html = Reports.html(c, null);
    assertThat(html).contains("Short &lt;answer&gt; &amp; &quot;quotes&quot;").doesNotContain("Short <answer>");
    String md = Reports.markdown(c, null);
    assertThat(md).contains("Short &lt;answer&gt; &amp; \"quotes\"");
  }

  @Test
  void theMarkdownReportLeadsWithTheVerdictAndListsTheRegressedCases() {
    JudgeCalibration calibration = JudgeCalibration.of("judge:x", List.of("a", "b"), List.of("pass", "fail"),
        List.of("pass", "pass"));
    String md = Reports.markdown(c, calibration);
    assertThat(md.lines().findFirst()).hasValue("## llmops-eval: REGRESSION");
    assertThat(md).contains("| pass rate (95% Wilson) | 97.5% [87.1, 99.6] |", "### Regressed cases",
        "| c-2 **critical** | critical, security |", "### Judge calibration", "disagrees on b");
  }
}
