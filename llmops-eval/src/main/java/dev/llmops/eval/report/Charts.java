package dev.llmops.eval.report;

import dev.llmops.eval.compare.Comparison;
import dev.llmops.eval.compare.TagComparison;
import dev.llmops.eval.run.CaseOutcome;
import dev.llmops.eval.run.RunResult;
import dev.llmops.eval.stats.Proportion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The HTML report's charts, as inline SVG: pass rate per tag (baseline against candidate, with
 * Wilson intervals), the distribution of case scores, and cost and latency against score.
 */
final class Charts {
  /** Scatter charts draw at most this many cases per run, evenly spread over the run's cases. */
  static final int MAX_POINTS = 2000;

  private static final int LEFT = 150;
  private static final int PLOT = 460;
  private static final int RIGHT = 150;

  private Charts() {}

  static String tagPassRates(Comparison c) {
    List<String> names = new ArrayList<>();
    List<Proportion[]> rows = new ArrayList<>();
    names.add("all cases");
    rows.add(new Proportion[] {c.baselinePassRate(), c.candidatePassRate()});
    for (TagComparison t : c.tags()) {
      names.add(t.tag());
      rows.add(new Proportion[] {t.baseline(), t.candidate()});
    }
    int rowHeight = 36;
    int top = 34;
    int height = top + rows.size() * rowHeight + 30;
    Svg svg = new Svg("chart-tag-pass-rates", LEFT + PLOT + RIGHT, height,
        "Pass rate per tag, baseline against candidate, with 95% Wilson intervals");
    svg.legend(LEFT, 16, "bar baseline", "baseline " + c.baseline().candidateName());
    svg.legend(LEFT + 230, 16, "bar candidate", "candidate " + c.candidate().candidateName());
    double axisY = top + rows.size() * rowHeight + 4;
    for (int pct = 0; pct <= 100; pct += 25) {
      double x = LEFT + PLOT * pct / 100.0;
      svg.line(x, top - 4, x, axisY, "grid");
      svg.text(x, axisY + 16, "middle", "tick", pct + "%");
    }
    for (int i = 0; i < rows.size(); i++) {
      double y = top + i * rowHeight;
      svg.text(LEFT - 8, y + 20, "end", "label", Text.cut(names.get(i), 22));
      bar(svg, rows.get(i)[0], y + 3, "baseline", names.get(i));
      bar(svg, rows.get(i)[1], y + 17, "candidate", names.get(i));
      svg.text(LEFT + PLOT + 8, y + 13, "start", "value", Text.percent(rows.get(i)[0].estimate()));
      svg.text(LEFT + PLOT + 8, y + 27, "start", "value", Text.percent(rows.get(i)[1].estimate()));
    }
    return svg.end();
  }

  private static void bar(Svg svg, Proportion p, double y, String side, String name) {
    double h = 12;
    svg.rect(LEFT, y, PLOT * p.estimate(), h, "bar " + side,
        side + " " + name + ": " + Text.rate(p) + " (" + p.successes() + "/" + p.trials() + ")");
    double lo = LEFT + PLOT * p.interval().lower();
    double hi = LEFT + PLOT * p.interval().upper();
    double mid = y + h / 2;
    svg.line(lo, mid, hi, mid, "whisker");
    svg.line(lo, y + 2, lo, y + h - 2, "whisker");
    svg.line(hi, y + 2, hi, y + h - 2, "whisker");
  }

  static String scoreDistribution(Comparison c) {
    int bins = 10;
    int[] base = histogram(c.baseline(), bins);
    int[] cand = histogram(c.candidate(), bins);
    int max = 1;
    for (int i = 0; i < bins; i++) {
      max = Math.max(max, Math.max(base[i], cand[i]));
    }
    int top = 34;
    int plotHeight = 200;
    Svg svg = new Svg("chart-score-distribution", LEFT + PLOT + RIGHT, top + plotHeight + 44,
        "Distribution of case scores, baseline against candidate");
    svg.legend(LEFT, 16, "bar baseline", "baseline");
    svg.legend(LEFT + 120, 16, "bar candidate", "candidate");
    double bottom = top + plotHeight;
    svg.line(LEFT, bottom, LEFT + PLOT, bottom, "axis");
    svg.text(LEFT - 8, top + 8, "end", "tick", Integer.toString(max));
    svg.text(LEFT - 8, bottom, "end", "tick", "0");
    double binWidth = (double) PLOT / bins;
    for (int i = 0; i < bins; i++) {
      double x = LEFT + i * binWidth;
      String range = String.format(Locale.ROOT, "[%.1f, %.1f%s", i / 10.0, (i + 1) / 10.0, i == bins - 1 ? "]" : ")");
      double hb = plotHeight * base[i] / (double) max;
      double hc = plotHeight * cand[i] / (double) max;
      svg.rect(x + 3, bottom - hb, binWidth / 2 - 4, hb, "bar baseline", "baseline " + range + ": " + base[i] + " cases");
      svg.rect(x + binWidth / 2 + 1, bottom - hc, binWidth / 2 - 4, hc, "bar candidate",
          "candidate " + range + ": " + cand[i] + " cases");
      svg.text(x + binWidth / 2, bottom + 16, "middle", "tick", String.format(Locale.ROOT, "%.1f", i / 10.0));
    }
    svg.text(LEFT + PLOT / 2.0, bottom + 36, "middle", "label", "case score");
    return svg.end();
  }

  private static int[] histogram(RunResult r, int bins) {
    int[] h = new int[bins];
    for (CaseOutcome o : r.outcomes()) {
      h[Math.min(bins - 1, (int) (o.score() * bins))]++;
    }
    return h;
  }

  static String costAgainstScore(Comparison c) {
    boolean known = c.baseline().cost().isPresent() || c.candidate().cost().isPresent();
    return scatter(c, "chart-cost-quality", "Cost against score per case", "cost per case (USD)",
        o -> o.costNanos() < 0 ? Double.NaN : o.costNanos() / 1e9, known ? null : "cost unknown: the runs kept no accounts",
        v -> String.format(Locale.ROOT, "$%.6f", v));
  }

  static String latencyAgainstScore(Comparison c) {
    return scatter(c, "chart-latency-quality", "Latency against score per case", "mean latency per case (ms)",
        CaseOutcome::latencyMillis, null, v -> String.format(Locale.ROOT, "%.0f ms", v));
  }

  private static String scatter(
      Comparison c, String id, String title, String xLabel, ToDoubleFunction<CaseOutcome> x, @Nullable String unavailable,
      DoubleFunction<String> format) {
    int top = 34;
    int plotHeight = 220;
    Svg svg = new Svg(id, LEFT + PLOT + RIGHT, top + plotHeight + 44, title);
    svg.legend(LEFT, 16, "point-swatch baseline", "baseline");
    svg.legend(LEFT + 120, 16, "point-swatch candidate", "candidate");
    double bottom = top + plotHeight;
    svg.line(LEFT, bottom, LEFT + PLOT, bottom, "axis");
    svg.line(LEFT, top, LEFT, bottom, "axis");
    for (int s = 0; s <= 4; s++) {
      double y = bottom - plotHeight * s / 4.0;
      svg.line(LEFT, y, LEFT + PLOT, y, "grid");
      svg.text(LEFT - 8, y + 4, "end", "tick", String.format(Locale.ROOT, "%.2f", s / 4.0));
    }
    svg.text(LEFT + PLOT / 2.0, bottom + 36, "middle", "label", xLabel);
    svg.text(LEFT - 44, top + plotHeight / 2.0, "middle", "label", "score");
    if (unavailable != null) {
      svg.text(LEFT + PLOT / 2.0, top + plotHeight / 2.0, "middle", "label", unavailable);
      return svg.end();
    }
    double max = 0;
    for (RunResult r : List.of(c.baseline(), c.candidate())) {
      for (CaseOutcome o : r.outcomes()) {
        double v = x.applyAsDouble(o);
        if (!Double.isNaN(v)) {
          max = Math.max(max, v);
        }
      }
    }
    max = max == 0 ? 1 : max * 1.05;
    svg.text(LEFT + PLOT, bottom + 16, "end", "tick", format.apply(max));
    svg.text(LEFT, bottom + 16, "start", "tick", format.apply(0));
    points(svg, c.baseline(), "baseline", x, max, top, plotHeight, format);
    points(svg, c.candidate(), "candidate", x, max, top, plotHeight, format);
    return svg.end();
  }

  private static void points(Svg svg, RunResult r, String side, ToDoubleFunction<CaseOutcome> x, double max,
      int top, int plotHeight, DoubleFunction<String> format) {
    List<CaseOutcome> all = r.outcomes();
    int step = Math.max(1, (all.size() + MAX_POINTS - 1) / MAX_POINTS);
    for (int i = 0; i < all.size(); i += step) {
      CaseOutcome o = all.get(i);
      double v = x.applyAsDouble(o);
      if (Double.isNaN(v)) {
        continue;
      }
      svg.circle(LEFT + PLOT * v / max, top + plotHeight * (1 - o.score()), 3.5, "point " + side,
          side + " " + o.caseId() + ": score " + Text.fixed(o.score(), 3) + ", " + format.apply(v));
    }
  }
}
