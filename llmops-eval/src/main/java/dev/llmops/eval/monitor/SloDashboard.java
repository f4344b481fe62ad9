package dev.llmops.eval.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.core.config.LlmOpsConfig;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * Writes a Grafana dashboard (JSON model, Prometheus data source chosen by the {@code datasource}
 * variable) for the metrics llmops exports and the {@link Slo}s that {@link SloRules} alerts on,
 * from the same metric names and expressions as the rules: call rate, error ratio, p95 latency,
 * cost per call and mean evaluation score, then one panel per SLO (burn rates over the alert
 * windows for availability and latency, with the page and ticket rates as threshold lines; the
 * measured mean against its limit for cost per call and quality). Burn-rate panels read the error
 * ratios the rules record, so load the rules file too. Stateless.
 */
public final class SloDashboard {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int WIDTH = 12;
  private static final int HEIGHT = 8;

  private SloDashboard() {}

  /** The dashboard for the {@code slos} section of {@code config}, over the default duration metric. */
  public static String fromConfig(LlmOpsConfig config) {
    return json(SloRules.slos(config), SloRules.DEFAULT_DURATION);
  }

  /**
   * The dashboard JSON for {@code slos}.
   *
   * @param duration the duration histogram's base name in Prometheus (as for {@link SloRules#yaml(List, String, String)})
   * @throws IllegalArgumentException if two SLOs share a name
   */
  public static String json(List<Slo> slos, String duration) {
    Objects.requireNonNull(slos, "slos");
    Objects.requireNonNull(duration, "duration");
    if (slos.stream().map(Slo::name).distinct().count() != slos.size()) {
      throw new IllegalArgumentException("slo names must be unique: " + slos.stream().map(Slo::name).toList());
    }
    ObjectNode d = JSON.createObjectNode();
    d.put("title", "llmops");
    d.put("uid", "llmops-slo");
    d.put("schemaVersion", 39);
    d.put("editable", true);
    d.putArray("tags").add("llmops").add("slo");
    d.putObject("time").put("from", "now-6h").put("to", "now");
    ObjectNode source = d.putObject("templating").putArray("list").addObject();
    source.put("name", "datasource").put("label", "Prometheus").put("type", "datasource").put("query", "prometheus");
    ArrayNode panels = d.putArray("panels");
    String count = "sum(rate(" + duration + "_count[5m]))";
    add(panels, "Call rate", "reqps", target("sum by (gen_ai_request_model) (rate(" + duration + "_count[5m]))",
        "{{gen_ai_request_model}}"));
    add(panels, "Error ratio", "percentunit",
        target("(sum(rate(" + duration + "_count{error_type!=\"\"}[5m])) or vector(0)) / " + count, "errors"));
    add(panels, "p95 latency", "s", target("histogram_quantile(0.95, sum by (le, gen_ai_request_model) (rate(" + duration
        + "_bucket[5m])))", "{{gen_ai_request_model}}"));
    add(panels, "Cost per call", "currencyUSD", target(SloRules.costPerCall("", duration, "5m"), "USD per call"));
    add(panels, "Evaluation score", "none", target("sum by (gen_ai_evaluation_name) (rate(" + SloRules.SCORE
        + "_sum[1h])) / sum by (gen_ai_evaluation_name) (rate(" + SloRules.SCORE + "_count[1h]))",
        "{{gen_ai_evaluation_name}}"));
    for (Slo slo : slos) {
      switch (slo.kind()) {
        case AVAILABILITY, LATENCY -> {
          ObjectNode p = add(panels, slo.kind().title() + " SLO " + slo.name() + ": burn rate", "none",
              burn(slo, "1h"), burn(slo, "6h"), burn(slo, "3d"));
          thresholds(p, 1, 6, 14.4);
        }
        case COST_PER_CALL -> thresholds(add(panels, "Cost-per-call SLO " + slo.name(), "currencyUSD",
            target(SloRules.costPerCall(slo.selector(), duration, "1h"), "1h"),
            target(SloRules.costPerCall(slo.selector(), duration, "5m"), "5m")), slo.threshold());
        case QUALITY -> thresholds(add(panels, "Quality SLO " + slo.name(), "none",
            target(SloRules.meanScore(slo.selector(), "1h"), "1h"),
            target(SloRules.meanScore(slo.selector(), "5m"), "5m")), slo.objective());
      }
    }
    try {
      return JSON.writeValueAsString(d) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The burn rate of a burn-rate SLO over window {@code w}: its recorded error ratio over its budget. */
  private static ObjectNode burn(Slo slo, String w) {
    return target(SloRules.recordedRatio(slo, w) + "{slo=\"" + slo.name() + "\"} / " + SloRules.budget(slo), w);
  }

  private static ObjectNode target(String expr, String legend) {
    ObjectNode t = JSON.createObjectNode();
    t.put("expr", expr);
    t.put("legendFormat", legend);
    t.putObject("datasource").put("type", "prometheus").put("uid", "${datasource}");
    return t;
  }

  private static ObjectNode add(ArrayNode panels, String title, String unit, ObjectNode... targets) {
    int index = panels.size();
    ObjectNode p = panels.addObject();
    p.put("id", index + 1);
    p.put("type", "timeseries");
    p.put("title", title);
    p.putObject("datasource").put("type", "prometheus").put("uid", "${datasource}");
    p.putObject("gridPos").put("h", HEIGHT).put("w", WIDTH).put("x", (index % 2) * WIDTH).put("y", (index / 2) * HEIGHT);
    p.putObject("fieldConfig").putObject("defaults").put("unit", unit);
    ArrayNode t = p.putArray("targets");
    char ref = 'A';
    for (ObjectNode target : targets) {
      t.add(target.put("refId", String.valueOf(ref++)));
    }
    return p;
  }

  /** Draws {@code limits} as red threshold lines. */
  private static void thresholds(ObjectNode panel, double... limits) {
    ObjectNode defaults = (ObjectNode) panel.get("fieldConfig").get("defaults");
    defaults.putObject("custom").putObject("thresholdsStyle").put("mode", "line");
    ArrayNode steps = defaults.putObject("thresholds").put("mode", "absolute").putArray("steps");
    steps.addObject().put("color", "green").putNull("value");
    for (double limit : limits) {
      steps.addObject().put("color", "red").put("value", limit);
    }
  }
}
