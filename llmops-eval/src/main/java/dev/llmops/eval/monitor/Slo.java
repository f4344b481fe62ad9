package dev.llmops.eval.monitor;

import dev.llmops.api.Money;
import dev.llmops.core.config.LlmOpsConfig;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A service level objective over the metrics llmops emits through {@code llmops-otel}, for {@link
 * SloRules}. Immutable.
 *
 * @param name a short name, {@code [a-z0-9_-]+} (a label value and part of rule names)
 * @param kind what is measured
 * @param objective the share of good calls over the SLO period, in {@code (0, 1)}, for example
 *     {@code 0.999}; for {@link Kind#QUALITY} the least mean evaluation score, in {@code (0, 1)}; for
 *     {@link Kind#COST_PER_CALL} unused (0)
 * @param threshold for {@link Kind#LATENCY}, the latency in seconds a good call stays under (it must
 *     be one of the duration histogram's bucket boundaries); for {@link Kind#COST_PER_CALL}, the
 *     mean cost per call in USD that must not be exceeded; for {@link Kind#AVAILABILITY} and {@link
 *     Kind#QUALITY} unused (0)
 * @param selector PromQL label matchers narrowing the calls (for example {@code
 *     gen_ai_request_model="gpt-4o"}), or empty for all
 */
public record Slo(String name, Kind kind, double objective, double threshold, String selector) {

  /** Checks the components. */
  public Slo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(selector, "selector");
    if (!name.matches("[a-z0-9_-]+")) {
      throw new IllegalArgumentException("slo name must match [a-z0-9_-]+ but was '" + name + "'");
    }
    if (kind != Kind.COST_PER_CALL && !(objective > 0 && objective < 1)) {
      throw new IllegalArgumentException("slo '" + name + "': objective must be in (0, 1) but was " + objective);
    }
    if ((kind == Kind.LATENCY || kind == Kind.COST_PER_CALL) && !(threshold > 0)) {
      throw new IllegalArgumentException("slo '" + name + "': threshold must be > 0 but was " + threshold);
    }
    if (selector.contains("{") || selector.contains("}")) {
      throw new IllegalArgumentException("slo '" + name + "': selector takes label matchers without braces: " + selector);
    }
  }

  /** Availability: the share of calls that end without an error. */
  public static Slo availability(String name, double objective) {
    return new Slo(name, Kind.AVAILABILITY, objective, 0, "");
  }

  /** Latency: the share of calls that end within {@code seconds} (a bucket boundary). */
  public static Slo latency(String name, double objective, double seconds) {
    return new Slo(name, Kind.LATENCY, objective, seconds, "");
  }

  /**
   * Cost: the mean cost per call stays at most {@code perCall} (exact money in, a number in the
   * alert expression: the metric it is compared with is a float sum anyway).
   */
  public static Slo costPerCall(String name, Money perCall) {
    return new Slo(name, Kind.COST_PER_CALL, 0, perCall.amount().doubleValue(), "");
  }

  /**
   * Quality: the mean online evaluation score ({@code llmops.evaluation.score}, exported by {@code
   * llmops-otel}'s {@code OtelEvaluations}) stays at least {@code objective}. Narrow it to one
   * evaluator with {@code where("gen_ai_evaluation_name=\"relevance\"")}.
   */
  public static Slo quality(String name, double objective) {
    return new Slo(name, Kind.QUALITY, objective, 0, "");
  }

  /**
   * The objective an entry of the configuration's {@code slos} section states: its matchers become
   * equality matchers ({@code label="value"}, quotes and backslashes escaped), a latency threshold
   * becomes seconds, a cost threshold USD.
   */
  public static Slo of(LlmOpsConfig.SloDefinition definition) {
    Objects.requireNonNull(definition, "definition");
    String selector = definition.matchers().entrySet().stream()
        .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(","));
    Slo slo = switch (definition.kind()) {
      case AVAILABILITY -> availability(definition.name(), definition.objective());
      case LATENCY -> latency(definition.name(), definition.objective(),
          BigDecimal.valueOf(Objects.requireNonNull(definition.latency(), "latency").toNanos(), 9).doubleValue());
      case COST_PER_CALL -> costPerCall(definition.name(), Objects.requireNonNull(definition.costPerCall(), "costPerCall"));
      case QUALITY -> quality(definition.name(), definition.objective());
    };
    return slo.where(selector);
  }

  /** This objective narrowed to calls matching {@code selector}. */
  public Slo where(String selector) {
    return new Slo(name, kind, objective, threshold, selector);
  }

  /** What an SLO measures. */
  public enum Kind {
    /** Calls without an error. */
    AVAILABILITY,
    /** Calls within a latency. */
    LATENCY,
    /** Mean cost per call. */
    COST_PER_CALL,
    /** Mean online evaluation score. */
    QUALITY;

    String title() {
      String s = name().toLowerCase(Locale.ROOT).replace("_per_", "-per-");
      return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
  }
}
