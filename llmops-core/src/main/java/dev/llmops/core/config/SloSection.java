package dev.llmops.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.Money;
import dev.llmops.core.config.LlmOpsConfig.SloDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code slos} section: a list of service level objectives, checked here key by key and
 * interpreted by {@code llmops-eval} ({@code SloRules}), which writes the Prometheus rules and the
 * Grafana dashboard. Core knows only their shape; nothing in the client uses them.
 */
final class SloSection {
  private static final Set<String> SLO = Set.of("name", "kind", "objective", "threshold", "matchers");
  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");
  /** A Prometheus label name (as OpenTelemetry attributes appear after export). */
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private SloSection() {}

  /** The objectives of {@code root}'s {@code slos} list (empty when absent); problems go to {@code r}. */
  static List<SloDefinition> read(ConfigReader r, JsonNode root) {
    List<JsonNode> nodes = r.list(root, "slos", "slos");
    List<SloDefinition> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      String path = "slos[" + i + "]";
      JsonNode node = nodes.get(i);
      SloDefinition slo = slo(r, node, path);
      JsonNode name = node.isObject() ? ConfigReader.present(node, "name") : null;
      if (name != null && name.isTextual() && !names.add(name.asText())) {
        r.problem(path + ".name", "another SLO is already named " + ConfigReader.quote(name.asText()) + "; names must be unique");
      } else if (slo != null) {
        out.add(slo);
      }
    }
    return List.copyOf(out);
  }

  private static @Nullable SloDefinition slo(ConfigReader r, JsonNode n, String path) {
    if (!r.mapping(n, path, SLO)) {
      return null;
    }
    int before = r.problems().size();
    String name = r.string(n, "name", path + ".name");
    if (name == null && ConfigReader.present(n, "name") == null) {
      r.problem(path + ".name", "required");
    } else if (name != null && !NAME.matcher(name).matches()) {
      r.problem(path + ".name", "must match [a-z0-9_-]+ (it becomes a label value and part of rule names) but was "
          + ConfigReader.quote(name));
    }
    SloDefinition.Kind kind = r.choice(n, "kind", path + ".kind", SloDefinition.Kind.class);
    if (kind == null && ConfigReader.present(n, "kind") == null) {
      r.problem(path + ".kind", "required: one of [availability, latency, cost_per_call, quality]");
    }
    double objective = 0;
    if (kind == SloDefinition.Kind.COST_PER_CALL) {
      if (ConfigReader.present(n, "objective") != null) {
        r.problem(path + ".objective", "a costPerCall SLO has no objective: its threshold is the most a call may cost on average");
      }
    } else if (kind != null) {
      Double o = r.number(n, "objective", path + ".objective", 0, 1);
      if (o == null && ConfigReader.present(n, "objective") == null) {
        r.problem(path + ".objective", "required: the share of good calls (or the least mean score), for example 0.999");
      } else if (o != null && (o <= 0 || o >= 1)) {
        r.problem(path + ".objective", "must be strictly between 0 and 1 but was " + o);
      } else if (o != null) {
        objective = o;
      }
    }
    @Nullable Duration latency = null;
    @Nullable Money cost = null;
    if (kind == SloDefinition.Kind.LATENCY) {
      latency = r.duration(n, "threshold", path + ".threshold");
      if (latency == null && ConfigReader.present(n, "threshold") == null) {
        r.problem(path + ".threshold", "required: the latency a good call stays within, for example 2560ms");
      } else if (latency != null && latency.isZero()) {
        r.problem(path + ".threshold", "must be more than zero");
      }
    } else if (kind == SloDefinition.Kind.COST_PER_CALL) {
      cost = r.money(n, "threshold", path + ".threshold");
      if (cost == null && ConfigReader.present(n, "threshold") == null) {
        r.problem(path + ".threshold", "required: the most a call may cost on average, for example \"0.002 USD\"");
      } else if (cost != null && cost.isZero()) {
        r.problem(path + ".threshold", "must be more than zero");
      }
    } else if (kind != null && ConfigReader.present(n, "threshold") != null) {
      r.problem(path + ".threshold", "only latency and costPerCall SLOs take a threshold");
    }
    Map<String, String> matchers = r.stringMap(n, "matchers", path + ".matchers");
    for (String label : matchers.keySet()) {
      if (!LABEL.matcher(label).matches()) {
        r.problem(ConfigReader.path(path + ".matchers", label),
            "not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*); write attribute names as they appear in Prometheus,"
                + " for example gen_ai_request_model");
      }
    }
    if (r.problems().size() > before || name == null || kind == null) {
      return null;
    }
    return new SloDefinition(name, kind, objective, latency, cost, matchers);
  }
}
