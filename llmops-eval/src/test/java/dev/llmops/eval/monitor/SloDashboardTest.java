package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.llmops.core.config.LlmOpsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard: valid JSON with the panels promised, every expression reading only the
 * metrics llmops exports or the ratios the generated rules record, and (with {@code promtool})
 * every expression accepted by Prometheus and computing the values expected on synthetic series.
 */
class SloDashboardTest {
  /** The Prometheus names of what llmops exports that the rules and the dashboard read. */
  static final Set<String> EXPORTED = Set.of(
      SloRules.DEFAULT_DURATION + "_count", SloRules.DEFAULT_DURATION + "_bucket", SloRules.COST,
      SloRules.SCORE + "_sum", SloRules.SCORE + "_count", SloRules.DRIFTED);
  private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");
  private static final Pattern NAME = Pattern.compile("(?<![\\w:.])[a-zA-Z_:][\\w:]*+(?!\\s*\\()");

  @Test
  void theDashboardIsJsonWithEveryPanelAndOnePerSlo() throws Exception {
    JsonNode d = new ObjectMapper().readTree(SloDashboard.json(SloRulesPromtoolTest.SLOS, SloRules.DEFAULT_DURATION));
    List<String> titles = new ArrayList<>();
    d.get("panels").forEach(p -> titles.add(p.get("title").asText()));
    assertThat(titles).containsExactly("Call rate", "Error ratio", "p95 latency", "Cost per call", "Evaluation score",
        "Availability SLO chat: burn rate", "Latency SLO chat-latency: burn rate", "Cost-per-call SLO chat-cost",
        "Quality SLO answer-quality");
    assertThat(d.get("templating").get("list").get(0).get("query").asText()).isEqualTo("prometheus");
    d.get("panels").forEach(p -> {
      assertThat(p.get("targets")).isNotEmpty();
      p.get("targets").forEach(t -> assertThat(t.get("datasource").get("uid").asText()).isEqualTo("${datasource}"));
    });
    JsonNode burn = d.get("panels").get(5);
    assertThat(burn.get("targets").get(0).get("expr").asText())
        .isEqualTo("llmops:slo_errors_chat:ratio_rate1h{slo=\"chat\"} / 0.001");
    assertThat(burn.get("fieldConfig").get("defaults").get("thresholds").get("steps").findValuesAsText("value"))
        .containsExactly("null", "1.0", "6.0", "14.4");
    assertThat(SloDashboard.fromConfig(LlmOpsConfig.parse(SloRulesPromtoolTest.CONFIG, "llmops.yaml")))
        .isEqualTo(SloDashboard.json(SloRulesPromtoolTest.SLOS, SloRules.DEFAULT_DURATION));
  }

  @Test
  void everyExpressionReadsOnlyExportedMetricsOrRecordedRatios() throws Exception {
    Set<String> recorded = new LinkedHashSet<>();
    List<String> ruleExprs = new ArrayList<>();
    JsonNode rules = new YAMLMapper().readTree(SloRules.yaml(SloRulesPromtoolTest.SLOS, SloRulesPromtoolTest.RUNBOOKS));
    rules.get("groups").forEach(g -> g.get("rules").forEach(r -> {
      if (r.has("record")) {
        recorded.add(r.get("record").asText());
      }
      ruleExprs.add(r.get("expr").asText());
    }));
    Set<String> allowed = new LinkedHashSet<>(EXPORTED);
    allowed.addAll(recorded);
    Set<String> read = new LinkedHashSet<>();
    for (String expr : dashboardExprs()) {
      read.addAll(metricNames(expr));
    }
    assertThat(read).as("metrics the dashboard reads").isSubsetOf(allowed)
        .contains(SloRules.DEFAULT_DURATION + "_bucket", SloRules.COST, SloRules.SCORE + "_sum",
            "llmops:slo_errors_chat:ratio_rate1h");
    Set<String> ruleReads = new LinkedHashSet<>();
    ruleExprs.forEach(e -> ruleReads.addAll(metricNames(e)));
    assertThat(ruleReads).as("metrics the rules read").isSubsetOf(allowed).containsAll(EXPORTED);
    // The extractor itself: functions, labels, grouping and numbers are not metric names.
    assertThat(metricNames("histogram_quantile(0.95, sum by (le) (rate(a_bucket{x=\"y:z\"}[5m]))) / b:c > bool 1e-3"))
        .containsExactly("a_bucket", "b:c");
  }

  @Test
  void promtoolParsesEveryExpressionAndTheyComputeWhatThePanelsSay(@TempDir Path dir) throws Exception {
    SloRulesPromtoolTest.findPromtool();
    List<String> exprs = dashboardExprs();
    StringBuilder rules = new StringBuilder("groups:\n  - name: llmops-dashboard\n    rules:\n");
    for (int i = 0; i < exprs.size(); i++) {
      rules.append("      - record: llmops:dashboard:expr").append(i).append('\n');
      rules.append("        expr: '").append(exprs.get(i).replace("'", "''")).append("'\n");
    }
    Files.writeString(dir.resolve("dashboard.yml"), rules);
    Files.writeString(dir.resolve("rules.yml"), SloRules.yaml(SloRulesPromtoolTest.SLOS, SloRulesPromtoolTest.RUNBOOKS));
    SloRulesPromtoolTest.Result check = SloRulesPromtoolTest.run(dir, SloRulesPromtoolTest.promtool, "check", "rules",
        "dashboard.yml");
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: " + exprs.size() + " rules found");

    // 100 calls a minute, 1 in 11 failing, 0.1 USD a minute, 60 % within 0.64 s and all within 1.28 s.
    int cost = exprs.indexOf(SloRules.costPerCall("", SloRules.DEFAULT_DURATION, "5m"));
    int burn = exprs.indexOf("llmops:slo_errors_chat:ratio_rate1h{slo=\"chat\"} / 0.001");
    int p95 = indexOfStarting(exprs, "histogram_quantile(0.95");
    String test = """
        rule_files: [rules.yml, dashboard.yml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - {series: 'gen_ai_client_operation_duration_seconds_count{gen_ai_request_model="m"}', values: '0+100x120'}
              - {series: 'gen_ai_client_operation_duration_seconds_count{gen_ai_request_model="m",error_type="timeout"}', values: '0+10x120'}
              - {series: 'gen_ai_client_operation_duration_seconds_bucket{gen_ai_request_model="m",le="0.64"}', values: '0+60x120'}
              - {series: 'gen_ai_client_operation_duration_seconds_bucket{gen_ai_request_model="m",le="1.28"}', values: '0+100x120'}
              - {series: 'gen_ai_client_operation_duration_seconds_bucket{gen_ai_request_model="m",le="+Inf"}', values: '0+100x120'}
              - {series: 'llmops_client_cost_total{gen_ai_request_model="m"}', values: '0+0.11x120'}
            promql_expr_test:
              # cost per call: 0.11 / 110 calls = 0.001 USD
              - {expr: '(llmops:dashboard:expr%1$d > bool 0.000999) * (llmops:dashboard:expr%1$d < bool 0.001001)', eval_time: 90m, exp_samples: [{labels: '{}', value: 1}]}
              # burn rate: (10 / 110) / 0.001 = 90.9
              - {expr: '(llmops:dashboard:expr%2$d > bool 90.90) * (llmops:dashboard:expr%2$d < bool 90.91)', eval_time: 90m, exp_samples: [{labels: '{slo="chat"}', value: 1}]}
              # p95: 95 %% of calls lie in (0.64, 1.28], linear inside the bucket: 0.64 + 0.64 x 35/40 = 1.2
              - {expr: '(llmops:dashboard:expr%3$d > bool 1.1999) * (llmops:dashboard:expr%3$d < bool 1.2001)', eval_time: 90m, exp_samples: [{labels: '{gen_ai_request_model="m"}', value: 1}]}
        """.formatted(cost, burn, p95);
    Files.writeString(dir.resolve("dashboard-test.yml"), test);
    SloRulesPromtoolTest.Result run = SloRulesPromtoolTest.run(dir, SloRulesPromtoolTest.promtool, "test", "rules",
        "dashboard-test.yml");
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(List.of(cost, burn, p95)).doesNotContain(-1);
  }

  private static int indexOfStarting(List<String> exprs, String prefix) {
    for (int i = 0; i < exprs.size(); i++) {
      if (exprs.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static List<String> dashboardExprs() throws Exception {
    JsonNode d = new ObjectMapper().readTree(SloDashboard.json(SloRulesPromtoolTest.SLOS, SloRules.DEFAULT_DURATION));
    List<String> exprs = new ArrayList<>();
    d.get("panels").forEach(p -> p.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
    return exprs;
  }

  /** The metric names a PromQL expression reads: names not followed by '(' outside strings, matchers, ranges and groupings. */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = NAME.matcher(s);
    while (m.find()) {
      if (!PROMQL_WORDS.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }
}
