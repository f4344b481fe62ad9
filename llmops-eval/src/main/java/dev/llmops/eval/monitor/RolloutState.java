package dev.llmops.eval.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link GuardedRollout} must remember across looks, replicas and restarts, kept in its
 * {@link RolloutStore} as JSON: the ramp step, the window its counts go to, when the step began,
 * whether it is held, how it ended, the values frozen at the step's first look, the running
 * always-valid p-values, and every action taken. Mutable; used under the controller's lock.
 */
final class RolloutState {
  private static final ObjectMapper JSON = new ObjectMapper();

  int step;
  long window;
  Instant stepStarted;
  boolean held;
  RolloutEvent.@Nullable Kind outcome;
  final Map<String, double[]> frozen = new LinkedHashMap<>();
  final Map<String, Double> runningP = new LinkedHashMap<>();
  final List<RolloutEvent> history = new ArrayList<>();

  RolloutState(int step, long window, Instant stepStarted) {
    this.step = step;
    this.window = window;
    this.stepStarted = stepStarted;
  }

  /** Starts the next window: a new step, or a rollback. */
  void newWindow(int step, Instant now) {
    this.step = step;
    this.window++;
    this.stepStarted = now;
    this.held = false;
    frozen.clear();
    runningP.clear();
  }

  String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("step", step).put("window", window).put("stepStarted", stepStarted.toString()).put("held", held);
    o.put("outcome", outcome == null ? null : outcome.name());
    ObjectNode f = o.putObject("frozen");
    frozen.forEach((k, v) -> {
      ArrayNode a = f.putArray(k);
      for (double d : v) {
        a.add(d);
      }
    });
    ObjectNode p = o.putObject("p");
    runningP.forEach(p::put);
    ArrayNode h = o.putArray("history");
    for (RolloutEvent e : history) {
      ObjectNode n = h.addObject();
      n.put("kind", e.kind().name()).put("experiment", e.experimentKey()).put("step", e.step());
      n.put("guard", e.guard() == null ? null : e.guard().name());
      number(n, "lambda", e.likelihoodRatio());
      number(n, "p", e.pValue());
      number(n, "canaryMean", e.canaryMean());
      number(n, "controlMean", e.controlMean());
      n.put("canaryCalls", e.canaryCalls()).put("controlCalls", e.controlCalls());
      n.put("reason", e.reason()).put("at", e.at().toString());
    }
    return o.toString();
  }

  /** NaN and infinities are not JSON numbers: kept as null. */
  private static void number(ObjectNode n, String field, double value) {
    if (Double.isFinite(value)) {
      n.put(field, value);
    } else {
      n.putNull(field);
    }
  }

  private static double number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? Double.NaN : v.asDouble();
  }

  /**
   * Reads a saved state.
   *
   * @throws IllegalStateException naming the rollout and the field if the text is not such a state
   */
  static RolloutState fromJson(String rollout, String text) {
    try {
      JsonNode o = JSON.readTree(text);
      RolloutState s = new RolloutState(required(o, "step", rollout).asInt(), required(o, "window", rollout).asLong(),
          Instant.parse(required(o, "stepStarted", rollout).asText()));
      s.held = o.path("held").asBoolean(false);
      JsonNode outcome = o.get("outcome");
      s.outcome = outcome == null || outcome.isNull() ? null : RolloutEvent.Kind.valueOf(outcome.asText());
      for (Map.Entry<String, JsonNode> e : o.path("frozen").properties()) {
        double[] v = new double[e.getValue().size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = e.getValue().get(i).asDouble();
        }
        s.frozen.put(e.getKey(), v);
      }
      for (Map.Entry<String, JsonNode> e : o.path("p").properties()) {
        s.runningP.put(e.getKey(), e.getValue().asDouble());
      }
      for (JsonNode n : o.path("history")) {
        JsonNode guard = n.get("guard");
        s.history.add(new RolloutEvent(RolloutEvent.Kind.valueOf(n.path("kind").asText()), n.path("experiment").asText(),
            n.path("step").asInt(), guard == null || guard.isNull() ? null : Guard.Metric.valueOf(guard.asText()),
            number(n, "lambda"), number(n, "p"), number(n, "canaryMean"), number(n, "controlMean"),
            n.path("canaryCalls").asLong(), n.path("controlCalls").asLong(), n.path("reason").asText(),
            Instant.parse(n.path("at").asText())));
      }
      return s;
    } catch (IllegalStateException e) {
      throw e;
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("rollout '" + rollout + "': the stored state is not readable: " + e.getMessage(), e);
    }
  }

  private static JsonNode required(JsonNode o, String field, String rollout) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalStateException("rollout '" + rollout + "': the stored state has no '" + field + "'");
    }
    return v;
  }
}
