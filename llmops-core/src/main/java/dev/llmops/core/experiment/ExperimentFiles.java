package dev.llmops.core.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.GenerationParameters;
import dev.llmops.core.experiment.shadow.Shadow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads experiment definitions from YAML or JSON (the format is in {@code docs/experiments.md}).
 * Every problem is collected and reported at once, each naming the file, the experiment and the
 * field; unknown fields are problems too, so a typo never passes silently.
 */
final class ExperimentFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private static final Set<String> EXPERIMENT_FIELDS = Set.of(
      "key", "prompt", "feature", "hashAttribute", "seed", "hashVersion", "coverage", "namespace", "status",
      "variants", "weights", "forced", "override", "shadow", "ramp", "condition", "fallbackAttribute",
      "bucketVersion", "minBucketVersion", "stickyBucketing");
  private static final Set<String> VARIANT_FIELDS = Set.of("key", "model", "promptLabel", "promptVersion", "parameters");
  private static final Set<String> PARAMETER_FIELDS = Set.of(
      "temperature", "topP", "maxOutputTokens", "stopSequences", "seed", "presencePenalty", "frequencyPenalty");

  private ExperimentFiles() {}

  static List<Experiment> read(Path file) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException(name + ": cannot read experiment definitions: " + e.getClass().getSimpleName());
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return parse(text, name, lower.endsWith(".json") ? JSON : YAML);
  }

  static List<Experiment> parse(String text, String source) {
    return parse(text, source, YAML);
  }

  private static List<Experiment> parse(String text, String source, ObjectMapper mapper) {
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new ConfigurationException(source + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr())
          + ": not valid " + (mapper == JSON ? "JSON" : "YAML") + ": " + e.getOriginalMessage());
    }
    List<String> problems = new ArrayList<>();
    JsonNode list = root == null ? null : root.isArray() ? root : root.get("experiments");
    if (list == null || !list.isArray()) {
      throw new ConfigurationException(source + ": experiments: expected a list of experiments (top-level"
          + " 'experiments:' or a list)");
    }
    List<Experiment> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Reader r = new Reader(source, "experiments[" + i + "]", problems);
      Experiment e = r.experiment(list.get(i));
      if (e != null) {
        out.add(e);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return out;
  }

  /** Reads one experiment, recording problems under its path. */
  private static final class Reader {
    private final String source;
    private String where;
    private final List<String> problems;

    Reader(String source, String where, List<String> problems) {
      this.source = source;
      this.where = where;
      this.problems = problems;
    }

    private void problem(String field, String message) {
      problems.add(source + ": " + where + ": " + field + ": " + message);
    }

    @Nullable Experiment experiment(JsonNode node) {
      if (!node.isObject()) {
        problems.add(source + ": " + where + ": expected an object");
        return null;
      }
      String key = text(node, "key");
      if (key == null) {
        problem("key", "required");
        return null;
      }
      where = "experiment '" + key + "'";
      unknownFields(node, EXPERIMENT_FIELDS, "");
      Experiment.Builder b = Experiment.builder(key);
      String s = text(node, "prompt");
      if (s != null) {
        b.prompt(s);
      }
      s = text(node, "feature");
      if (s != null) {
        b.feature(s);
      }
      s = text(node, "hashAttribute");
      if (s != null) {
        b.hashAttribute(s);
      }
      s = text(node, "seed");
      if (s != null) {
        b.seed(s);
      }
      Integer hv = integer(node, "hashVersion");
      if (hv != null) {
        b.hashVersion(hv);
      }
      JsonNode condition = node.get("condition");
      if (condition != null) {
        if (condition.isObject()) {
          try {
            b.condition(Condition.of(JSON.convertValue(condition, java.util.Map.class)));
          } catch (IllegalArgumentException e) {
            problem("condition", String.valueOf(e.getMessage()).replaceFirst("^condition[.:] ?", ""));
          }
        } else {
          problem("condition", "must be an object (a GrowthBook condition)");
        }
      }
      s = text(node, "fallbackAttribute");
      if (s != null) {
        b.fallbackAttribute(s);
      }
      Integer bv = integer(node, "bucketVersion");
      if (bv != null) {
        if (bv < 0) {
          problem("bucketVersion", "must be >= 0 but was " + bv);
        } else {
          b.bucketVersion(bv);
        }
      }
      Integer mbv = integer(node, "minBucketVersion");
      if (mbv != null) {
        if (mbv < 0) {
          problem("minBucketVersion", "must be >= 0 but was " + mbv);
        } else {
          b.minBucketVersion(mbv);
        }
      }
      JsonNode stickyNode = node.get("stickyBucketing");
      if (stickyNode != null) {
        if (stickyNode.isBoolean()) {
          b.stickyBucketing(stickyNode.booleanValue());
        } else {
          problem("stickyBucketing", "must be true or false");
        }
      }
      Double coverage = number(node, "coverage");
      if (coverage != null) {
        b.coverage(coverage);
      }
      s = text(node, "status");
      if (s != null) {
        try {
          b.status(Experiment.Status.valueOf(s.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          problem("status", "must be running, stopped or killed but was '" + s + "'");
        }
      }
      JsonNode ns = node.get("namespace");
      if (ns != null) {
        unknownFields(ns, Set.of("id", "start", "end"), "namespace.");
        String id = text("namespace.id", ns.get("id"));
        Double start = number("namespace.start", ns.get("start"));
        Double end = number("namespace.end", ns.get("end"));
        if (id == null || start == null || end == null) {
          problem("namespace", "needs id, start and end");
        } else {
          b.namespace(new Experiment.Namespace(id, start, end));
        }
      }
      variants(node.get("variants"), b);
      JsonNode weights = node.get("weights");
      if (weights != null) {
        List<Double> w = numbers(weights, "weights");
        if (w != null) {
          b.weights(w);
        }
      }
      JsonNode forced = node.get("forced");
      if (forced != null) {
        if (!forced.isObject()) {
          problem("forced", "expected a map of subject to variant key");
        } else {
          for (Map.Entry<String, JsonNode> f : forced.properties()) {
            if (f.getValue().isTextual()) {
              b.force(f.getKey(), f.getValue().asText());
            } else {
              problem("forced." + f.getKey(), "expected a variant key");
            }
          }
        }
      }
      s = text(node, "override");
      if (s != null) {
        b.override(s);
      }
      JsonNode shadow = node.get("shadow");
      if (shadow != null) {
        unknownFields(shadow, Set.of("variant", "fraction"), "shadow.");
        String variant = text("shadow.variant", shadow.get("variant"));
        Double fraction = number("shadow.fraction", shadow.get("fraction"));
        if (variant == null || fraction == null) {
          problem("shadow", "needs variant and fraction");
        } else {
          b.shadow(new Shadow(variant, fraction));
        }
      }
      JsonNode ramp = node.get("ramp");
      if (ramp != null) {
        unknownFields(ramp, Set.of("variant", "steps"), "ramp.");
        String variant = text("ramp.variant", ramp.get("variant"));
        List<Double> steps = ramp.get("steps") == null ? null : numbers(ramp.get("steps"), "ramp.steps");
        if (variant == null || steps == null) {
          problem("ramp", "needs variant and steps");
        } else {
          b.ramp(new Experiment.Ramp(variant, steps));
        }
      }
      try {
        return b.build();
      } catch (ConfigurationException e) {
        for (String p : e.problems()) {
          problems.add(source + ": " + p);
        }
        return null;
      }
    }

    private void variants(@Nullable JsonNode list, Experiment.Builder b) {
      if (list == null || !list.isArray()) {
        problem("variants", "required: a list of variants");
        return;
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode v = list.get(i);
        String field = "variants[" + i + "]";
        if (v.isTextual()) {
          b.variant(Variant.of(v.asText()));
          continue;
        }
        if (!v.isObject()) {
          problem(field, "expected a variant key or an object");
          continue;
        }
        String key = text(field + ".key", v.get("key"));
        if (key == null || key.isBlank()) {
          problem(field + ".key", "required");
          continue;
        }
        field = "variants['" + key + "']";
        unknownFields(v, VARIANT_FIELDS, field + ".");
        Variant variant = Variant.of(key);
        String model = text(field + ".model", v.get("model"));
        if (model != null) {
          variant = variant.withModel(model);
        }
        String label = text(field + ".promptLabel", v.get("promptLabel"));
        if (label != null) {
          variant = variant.withPromptLabel(label);
        }
        Integer version = integer(field + ".promptVersion", v.get("promptVersion"));
        if (version != null) {
          if (version < 1) {
            problem(field + ".promptVersion", "must be >= 1 but was " + version);
          } else {
            variant = variant.withPromptVersion(version);
          }
        }
        JsonNode params = v.get("parameters");
        if (params != null) {
          GenerationParameters p = parameters(params, field + ".parameters");
          if (p != null) {
            variant = variant.withParameters(p);
          }
        }
        b.variant(variant);
      }
    }

    private @Nullable GenerationParameters parameters(JsonNode node, String field) {
      if (!node.isObject()) {
        problem(field, "expected an object");
        return null;
      }
      unknownFields(node, PARAMETER_FIELDS, field + ".");
      GenerationParameters.Builder p = GenerationParameters.builder();
      p.temperature(number(field + ".temperature", node.get("temperature")));
      p.topP(number(field + ".topP", node.get("topP")));
      p.maxOutputTokens(integer(field + ".maxOutputTokens", node.get("maxOutputTokens")));
      Integer seed = integer(field + ".seed", node.get("seed"));
      p.seed(seed == null ? null : seed.longValue());
      p.presencePenalty(number(field + ".presencePenalty", node.get("presencePenalty")));
      p.frequencyPenalty(number(field + ".frequencyPenalty", node.get("frequencyPenalty")));
      JsonNode stops = node.get("stopSequences");
      if (stops != null) {
        List<String> list = new ArrayList<>();
        if (!stops.isArray()) {
          problem(field + ".stopSequences", "expected a list of strings");
        } else {
          stops.forEach(n -> list.add(n.asText()));
          p.stopSequences(list);
        }
      }
      try {
        return p.build();
      } catch (IllegalArgumentException e) {
        problem(field, String.valueOf(e.getMessage()));
        return null;
      }
    }

    private void unknownFields(JsonNode node, Set<String> known, String prefix) {
      if (!node.isObject()) {
        return;
      }
      for (Map.Entry<String, JsonNode> property : node.properties()) {
        String name = property.getKey();
        if (!known.contains(name)) {
          problem(prefix + name, "unknown field; known fields are " + new java.util.TreeSet<>(known));
        }
      }
    }

    private @Nullable String text(JsonNode parent, String field) {
      return text(field, parent.get(field));
    }

    private @Nullable String text(String field, @Nullable JsonNode value) {
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isTextual() && !value.isNumber()) {
        problem(field, "expected text");
        return null;
      }
      return value.asText();
    }

    private @Nullable Double number(JsonNode parent, String field) {
      return number(field, parent.get(field));
    }

    private @Nullable Double number(String field, @Nullable JsonNode value) {
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isNumber()) {
        problem(field, "expected a number but was '" + value.asText() + "'");
        return null;
      }
      return value.doubleValue();
    }

    private @Nullable Integer integer(JsonNode parent, String field) {
      return integer(field, parent.get(field));
    }

    private @Nullable Integer integer(String field, @Nullable JsonNode value) {
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        problem(field, "expected a whole number but was '" + value.asText() + "'");
        return null;
      }
      return value.intValue();
    }

    private @Nullable List<Double> numbers(JsonNode node, String field) {
      if (!node.isArray()) {
        problem(field, "expected a list of numbers");
        return null;
      }
      List<Double> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        Double d = number(field + "[" + i + "]", node.get(i));
        if (d == null) {
          return null;
        }
        out.add(d);
      }
      return out;
    }
  }
}
