package dev.llmops.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report rendered by a real browser (Debian's chromium, headless): no console errors, no
 * request other than the file itself, and the charts drawn with the expected marks. A control page
 * with a console error and an external image proves the checks can fail.
 */
class ReportInBrowserTest {
  private static HeadlessChromium chromium;

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    chromium = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
  }

  @Test
  void theReportRendersItsChartsWithoutConsoleErrorsOrRequests() throws Exception {
    Path html = Reports.write(SampleRuns.comparison(), null, dir, "report");
    String url = html.toUri().toString();
    chromium.open(url);

    JsonNode page = chromium.evaluate("""
        JSON.parse(JSON.stringify({
          verdict: document.getElementById('verdict').textContent,
          scripts: document.scripts.length,
          regressedRows: document.querySelectorAll('#regressed-cases tbody tr').length,
          charts: Array.from(document.querySelectorAll('svg.chart')).map(s => ({
            id: s.id,
            width: s.getBoundingClientRect().width,
            height: s.getBoundingClientRect().height,
            bars: s.querySelectorAll('rect.bar').length,
            drawnBars: Array.from(s.querySelectorAll('rect.bar')).filter(r => r.getBBox().width > 0).length,
            whiskers: s.querySelectorAll('line.whisker').length,
            points: s.querySelectorAll('circle.point').length
          }))
        }))""");

    assertThat(chromium.consoleProblems()).isEmpty();
    assertThat(chromium.requestsOtherThan(url)).isEmpty();
    assertThat(page.path("verdict").asText()).isEqualTo("REGRESSION");
    assertThat(page.path("scripts").asInt()).isZero();
    assertThat(page.path("regressedRows").asInt()).isEqualTo(SampleRuns.comparison().regressed().size());
    JsonNode charts = page.path("charts");
    assertThat(charts).extracting(n -> n.path("id").asText()).containsExactly(
        "chart-tag-pass-rates", "chart-score-distribution", "chart-cost-quality", "chart-latency-quality");
    for (JsonNode chart : charts) {
      assertThat(chart.path("width").asDouble()).as(chart.path("id").asText()).isGreaterThan(300);
      assertThat(chart.path("height").asDouble()).as(chart.path("id").asText()).isGreaterThan(100);
    }
    // Tag chart: all cases + 5 tags (4 topics and "critical"), two bars each with a 3-line whisker.
    JsonNode tags = charts.get(0);
    assertThat(tags.path("bars").asInt()).isEqualTo(2 * 6 + 2); // and the legend's two swatches
    assertThat(tags.path("whiskers").asInt()).isEqualTo(3 * 2 * 6);
    assertThat(charts.get(1).path("drawnBars").asInt()).isGreaterThan(2);
    assertThat(charts.get(2).path("points").asInt()).isEqualTo(80); // 40 cases per run, two runs
    assertThat(charts.get(3).path("points").asInt()).isEqualTo(80);

    Files.write(dir.resolve("report.png"), chromium.screenshot(1200, 1600));
    assertThat(Files.size(dir.resolve("report.png"))).isGreaterThan(10_000);
  }

  @Test
  void theChecksCatchAConsoleErrorAndAnExternalRequest() throws Exception {
    Path bad = dir.resolve("bad.html");
    Files.writeString(bad, "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\">"
        + "<script>console.error('boom')</script></body></html>");
    chromium.open(bad.toUri().toString());
    assertThat(chromium.consoleProblems()).anyMatch(p -> p.contains("console.error: boom"));
    assertThat(chromium.requestsOtherThan(bad.toUri().toString())).contains("http://127.0.0.1:9/x.png");
  }
}
