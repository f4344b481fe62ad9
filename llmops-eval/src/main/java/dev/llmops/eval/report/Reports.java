package dev.llmops.eval.report;

import dev.llmops.eval.compare.CaseChange;
import dev.llmops.eval.compare.Comparison;
import dev.llmops.eval.compare.TagComparison;
import dev.llmops.eval.judge.JudgeCalibration;
import dev.llmops.eval.run.RunResult;
import dev.llmops.eval.stats.BootstrapInterval;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link Comparison} (and, optionally, a judge's {@link JudgeCalibration}) as Markdown,
 * for a pull-request comment, and as one self-contained HTML file: inline CSS, charts as inline
 * SVG, no script, no external font, style sheet or image. All text from runs and datasets is
 * escaped. Thread-safe (stateless).
 */
public final class Reports {
  /** How many characters of an answer the Markdown report shows. */
  static final int MARKDOWN_ANSWER = 160;

  private Reports() {}

  /** The Markdown report. */
  public static String markdown(Comparison c, @Nullable JudgeCalibration calibration) {
    Objects.requireNonNull(c, "c");
    RunResult b = c.baseline();
    RunResult k = c.candidate();
    StringBuilder md = new StringBuilder();
    md.append("## llmops-eval: ").append(c.verdict()).append(c.candidate().complete() ? "" : " (INCOMPLETE RUN)").append("\n\n");
    md.append("Dataset `").append(k.datasetId()).append("` (").append(k.datasetSize()).append(" cases");
    if (k.repeats() > 1) {
      md.append(", ").append(k.repeats()).append(" repeats each, ").append(k.rule().name().toLowerCase(java.util.Locale.ROOT));
    }
    md.append("). Candidate `").append(k.candidateName()).append("` against baseline `").append(b.candidateName()).append("`.\n\n");
    for (String r : c.reasons()) {
      md.append("- ").append(Text.cell(r)).append('\n');
    }
    md.append("\n| | baseline | candidate | change |\n|---|---|---|---|\n");
    md.append("| pass rate (95% Wilson) | ").append(Text.rate(c.baselinePassRate())).append(" | ")
        .append(Text.rate(c.candidatePassRate())).append(" | ").append(Text.signed(c.passRateDeltaPoints(), 1))
        .append(" points, exact McNemar p = ").append(Text.p(c.test().pValue())).append(" |\n");
    BootstrapInterval d = c.scoreDifference();
    md.append("| mean score | ").append(Text.fixed(b.meanScore(), 3)).append(" | ").append(Text.fixed(k.meanScore(), 3)).append(" | ");
    if (d != null) {
      md.append(Text.signed(d.meanDifference(), 3)).append(", 95% bootstrap [").append(Text.signed(d.interval().lower(), 3))
          .append(", ").append(Text.signed(d.interval().upper(), 3)).append(']');
    }
    md.append(" |\n");
    md.append("| cost | ").append(cost(b)).append(" | ").append(cost(k)).append(" | |\n");
    md.append("| latency p50 / p95 | ").append(latency(b)).append(" | ").append(latency(k)).append(" | |\n");
    md.append("| regressed / fixed cases | | | ").append(c.regressed().size()).append(" / ").append(c.fixed().size()).append(" |\n\n");
    if (!c.tags().isEmpty()) {
      md.append("<details><summary>Per tag</summary>\n\n| tag | baseline | candidate | change | p | Holm p |\n|---|---|---|---|---|---|\n");
      for (TagComparison t : c.tags()) {
        md.append("| ").append(Text.cell(t.tag())).append(" | ").append(Text.rate(t.baseline())).append(" | ")
            .append(Text.rate(t.candidate())).append(" | ").append(Text.signed(t.deltaPoints(), 1)).append(" | ")
            .append(Text.p(t.test().pValue())).append(" | ").append(Text.p(t.holmP())).append(" |\n");
      }
      md.append("\n</details>\n\n");
    }
    if (!c.regressed().isEmpty()) {
      md.append("### Regressed cases\n\n| case | tags | why | baseline answer | candidate answer |\n|---|---|---|---|---|\n");
      for (CaseChange ch : c.regressed()) {
        md.append("| ").append(Text.cell(ch.caseId())).append(ch.critical() ? " **critical**" : "").append(" | ")
            .append(Text.cell(String.join(", ", new TreeSet<>(ch.tags())))).append(" | ").append(Text.cell(ch.why()))
            .append(" | ").append(Text.cell(Text.cut(ch.baselineAnswer(), MARKDOWN_ANSWER))).append(" | ")
            .append(Text.cell(Text.cut(ch.candidateAnswer(), MARKDOWN_ANSWER))).append(" |\n");
      }
      md.append('\n');
    }
    if (calibration != null) {
      md.append("### Judge calibration\n\n").append(Text.cell(calibration.summary())).append("\n\n");
    }
    md.append("<sub>").append(Text.cell(c.policy().describe())).append(".</sub>\n");
    return md.toString();
  }

  private static String cost(RunResult r) {
    return r.cost().map(Object::toString).orElse("unknown");
  }

  private static String latency(RunResult r) {
    return Text.fixed(r.latencyQuantileMillis(0.5), 0) + " / " + Text.fixed(r.latencyQuantileMillis(0.95), 0) + " ms";
  }

  /** The self-contained HTML report. */
  public static String html(Comparison c, @Nullable JudgeCalibration calibration) {
    Objects.requireNonNull(c, "c");
    RunResult b = c.baseline();
    RunResult k = c.candidate();
    StringBuilder h = new StringBuilder(64 * 1024);
    String verdictClass = switch (c.verdict()) {
      case REGRESSION -> "regression";
      case IMPROVEMENT -> "improvement";
      case NO_SIGNIFICANT_CHANGE -> "unchanged";
    };
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>llmops-eval: ").append(c.verdict()).append(" - ").append(Text.html(k.datasetId())).append("</title>")
        .append("<style>").append(CSS).append("</style></head><body>\n");
    h.append("<header><h1>llmops-eval <span id=\"verdict\" class=\"verdict ").append(verdictClass).append("\">")
        .append(c.verdict()).append("</span>");
    if (!k.complete()) {
      h.append(" <span class=\"verdict regression\">INCOMPLETE RUN</span>");
    }
    h.append("</h1><p>Dataset <code>").append(Text.html(k.datasetId())).append("</code>, ").append(k.datasetSize())
        .append(" cases").append(k.repeats() > 1 ? ", " + k.repeats() + " repeats each" : "")
        .append(". Candidate <code>").append(Text.html(k.candidateName())).append("</code> (")
        .append(Text.html(k.candidateDescription())).append(") against baseline <code>")
        .append(Text.html(b.candidateName())).append("</code>").append(c.datasetChanged()
            ? " (on dataset version " + Text.html(b.datasetVersion()) + ")" : "").append(".</p><ul class=\"reasons\">");
    for (String r : c.reasons()) {
      h.append("<li>").append(Text.html(r)).append("</li>");
    }
    h.append("</ul></header>\n<section><h2>Summary</h2><table class=\"summary\"><thead><tr><th></th><th>baseline</th>")
        .append("<th>candidate</th><th>change</th></tr></thead><tbody>");
    row(h, "pass rate (95% Wilson)", Text.rate(c.baselinePassRate()), Text.rate(c.candidatePassRate()),
        Text.signed(c.passRateDeltaPoints(), 1) + " points; exact McNemar p = " + Text.p(c.test().pValue())
            + " (b = " + c.test().baselineOnly() + ", c = " + c.test().candidateOnly() + ")");
    BootstrapInterval d = c.scoreDifference();
    row(h, "mean score", Text.fixed(b.meanScore(), 3), Text.fixed(k.meanScore(), 3), d == null ? ""
        : Text.signed(d.meanDifference(), 3) + "; 95% paired bootstrap [" + Text.signed(d.interval().lower(), 3) + ", "
            + Text.signed(d.interval().upper(), 3) + "] (" + d.resamples() + " resamples, seed " + c.policy().bootstrapSeed() + ")");
    row(h, "cases compared", Integer.toString(c.pairs() + c.onlyBaseline()), Integer.toString(c.pairs() + c.onlyCandidate()),
        c.pairs() + " paired");
    row(h, "cost", cost(b), cost(k), "evaluation " + k.evaluationCost());
    row(h, "latency p50 / p95", latency(b), latency(k), "");
    h.append("</tbody></table></section>\n");
    h.append("<section><h2>Charts</h2>");
    figure(h, "Pass rate per tag with 95% Wilson intervals", Charts.tagPassRates(c));
    figure(h, "Distribution of case scores", Charts.scoreDistribution(c));
    figure(h, "Cost against score", Charts.costAgainstScore(c));
    figure(h, "Latency against score", Charts.latencyAgainstScore(c));
    h.append("</section>\n");
    if (!c.tags().isEmpty()) {
      h.append("<section><h2>Per tag</h2><table><thead><tr><th>tag</th><th>baseline</th><th>candidate</th><th>change</th>")
          .append("<th>exact McNemar p</th><th>Holm-adjusted p</th></tr></thead><tbody>");
      for (TagComparison t : c.tags()) {
        h.append("<tr><td>").append(Text.html(t.tag())).append("</td><td>").append(Text.rate(t.baseline()))
            .append("</td><td>").append(Text.rate(t.candidate())).append("</td><td>").append(Text.signed(t.deltaPoints(), 1))
            .append("</td><td>").append(Text.p(t.test().pValue())).append("</td><td>").append(Text.p(t.holmP()))
            .append("</td></tr>");
      }
      h.append("</tbody></table></section>\n");
    }
    cases(h, "regressed-cases", "Regressed cases", c.regressed(), true);
    cases(h, "fixed-cases", "Fixed cases", c.fixed(), false);
    if (calibration != null) {
      h.append("<section id=\"calibration\"><h2>Judge calibration</h2><p>").append(Text.html(calibration.summary()))
          .append("</p><table><thead><tr><th>human \\ judge</th>");
      TreeSet<String> labels = new TreeSet<>(calibration.confusion().keySet());
      calibration.confusion().values().forEach(m -> labels.addAll(m.keySet()));
      for (String l : labels) {
        h.append("<th>").append(Text.html(l)).append("</th>");
      }
      h.append("</tr></thead><tbody>");
      for (String row : labels) {
        h.append("<tr><th>").append(Text.html(row)).append("</th>");
        Map<String, Integer> m = calibration.confusion().getOrDefault(row, Map.of());
        for (String col : labels) {
          h.append("<td>").append(m.getOrDefault(col, 0)).append("</td>");
        }
        h.append("</tr>");
      }
      h.append("</tbody></table></section>\n");
    }
    h.append("<footer>").append(Text.html(c.policy().describe())).append(". Answers are shown as stored: redacted.</footer>")
        .append("\n</body></html>\n");
    return h.toString();
  }

  private static void row(StringBuilder h, String name, String base, String cand, String change) {
    h.append("<tr><th>").append(Text.html(name)).append("</th><td>").append(Text.html(base)).append("</td><td>")
        .append(Text.html(cand)).append("</td><td>").append(Text.html(change)).append("</td></tr>");
  }

  private static void figure(StringBuilder h, String caption, String svg) {
    h.append("<figure>").append(svg).append("<figcaption>").append(Text.html(caption)).append("</figcaption></figure>");
  }

  private static void cases(StringBuilder h, String id, String title, List<CaseChange> changes, boolean open) {
    h.append("<section id=\"").append(id).append("\"><h2>").append(title).append(" (").append(changes.size()).append(")</h2>");
    if (changes.isEmpty()) {
      h.append("<p>None.</p></section>\n");
      return;
    }
    h.append(open ? "<details open>" : "<details>").append("<summary>").append(changes.size()).append(" case(s)</summary>")
        .append("<table class=\"cases\"><thead><tr><th>case</th><th>why</th><th>baseline answer</th><th>candidate answer</th>")
        .append("</tr></thead><tbody>");
    for (CaseChange ch : changes) {
      h.append("<tr><td><code>").append(Text.html(ch.caseId())).append("</code>")
          .append(ch.critical() ? " <span class=\"critical\">critical</span>" : "").append("<br><small>")
          .append(Text.html(String.join(", ", new TreeSet<>(ch.tags())))).append("</small></td><td>").append(Text.html(ch.why()))
          .append("<br><small>score ").append(Text.fixed(ch.baselineScore(), 2)).append(" &rarr; ")
          .append(Text.fixed(ch.candidateScore(), 2)).append("</small></td><td class=\"answer\">")
          .append(Text.html(ch.baselineAnswer())).append("</td><td class=\"answer\">").append(Text.html(ch.candidateAnswer()))
          .append("</td></tr>");
    }
    h.append("</tbody></table></details></section>\n");
  }

  /**
   * Writes {@code <name>.md} and {@code <name>.html} into {@code directory} (created if needed).
   *
   * @return the HTML file
   * @throws UncheckedIOException if they cannot be written
   */
  public static Path write(Comparison c, @Nullable JudgeCalibration calibration, Path directory, String name) {
    try {
      Files.createDirectories(directory);
      Files.writeString(directory.resolve(name + ".md"), markdown(c, calibration), StandardCharsets.UTF_8);
      Path html = directory.resolve(name + ".html");
      Files.writeString(html, html(c, calibration), StandardCharsets.UTF_8);
      return html;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the reports into " + directory, e);
    }
  }

  // System font stacks only: nothing is fetched.
  private static final String CSS = String.join("",
      "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;max-width:1100px;",
      "padding:0 1rem;color:#1f2328;background:#fff;line-height:1.45}",
      "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}",
      "code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}",
      ".verdict{font-size:1rem;padding:.2rem .6rem;border-radius:1rem;color:#fff;vertical-align:middle}",
      ".verdict.regression{background:#cf222e}.verdict.improvement{background:#1a7f37}.verdict.unchanged{background:#57606a}",
      "table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}",
      "th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}",
      "thead th{background:#f6f8fa}td.answer{white-space:pre-wrap;width:32%}",
      ".critical{background:#cf222e;color:#fff;border-radius:.3rem;padding:0 .3rem;font-size:.8em}",
      "figure{margin:1rem 0}figcaption{font-size:.85rem;color:#57606a}",
      "svg.chart{max-width:100%;height:auto;font-family:system-ui,sans-serif}",
      "svg .bar.baseline,svg .point-swatch.baseline{fill:#8c959f}svg .bar.candidate,svg .point-swatch.candidate{fill:#0969da}",
      "svg .point.baseline{fill:#8c959f;fill-opacity:.7}svg .point.candidate{fill:#0969da;fill-opacity:.7}",
      "svg .whisker{stroke:#1f2328;stroke-width:1.2}svg .grid{stroke:#eaeef2}svg .axis{stroke:#57606a}",
      "svg .label{font-size:12px;fill:#1f2328}svg .tick,svg .value{font-size:11px;fill:#57606a}",
      "footer{margin-top:2rem;font-size:.8rem;color:#57606a}");
}
