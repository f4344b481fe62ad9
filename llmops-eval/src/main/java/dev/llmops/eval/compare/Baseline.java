package dev.llmops.eval.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.ConfigurationException;
import dev.llmops.eval.run.CaseOutcome;
import dev.llmops.eval.run.RepeatRule;
import dev.llmops.eval.run.RunResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Baseline files: a run's per-case outcomes as JSON meant to be committed, so later runs compare
 * against it. The file is stable: cases sorted by id, tags sorted, scores rounded to 6 decimals,
 * latencies to whole milliseconds, no timestamps; the same outcomes always give the same bytes, so
 * a diff shows only what changed. Answers are stored as the run stored them (redacted).
 */
public final class Baseline {
  /** The format tag written into every baseline file. */
  public static final String FORMAT = "llmops-eval-baseline/1";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Baseline() {}

  /**
   * Writes {@code result} as a baseline file (creating parent folders).
   *
   * @throws UncheckedIOException if it cannot be written
   */
  public static void write(RunResult result, Path file) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("dataset", result.datasetName());
    root.put("datasetVersion", result.datasetVersion());
    root.put("datasetSize", result.datasetSize());
    root.put("candidate", result.candidateName());
    root.put("candidateDescription", result.candidateDescription());
    root.put("repeats", result.repeats());
    root.put("repeatRule", result.rule().name());
    root.put("notRun", result.notRun());
    root.put("evaluationCostNanos", result.evaluationCostNanos());
    ObjectNode summary = root.putObject("summary");
    summary.put("cases", result.outcomes().size());
    summary.put("passed", result.passed());
    summary.put("meanScore", round(result.meanScore()));
    ArrayNode cases = root.putArray("cases");
    List<CaseOutcome> sorted = new ArrayList<>(result.outcomes());
    sorted.sort(Comparator.comparing(CaseOutcome::caseId));
    for (CaseOutcome o : sorted) {
      ObjectNode c = cases.addObject();
      c.put("id", o.caseId());
      ArrayNode tags = c.putArray("tags");
      new TreeSet<>(o.tags()).forEach(tags::add);
      c.put("runs", o.runs());
      c.put("passes", o.passes());
      c.put("passed", o.passed());
      c.put("score", round(o.score()));
      c.put("costNanos", o.costNanos());
      c.put("latencyMs", Math.round(o.latencyMillis()));
      c.put("errors", o.errors());
      c.put("failures", o.failures());
      c.put("answer", o.answer());
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write baseline " + file, e);
    }
  }

  private static BigDecimal round(double v) {
    return BigDecimal.valueOf(v).setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
  }

  /**
   * Reads a baseline file.
   *
   * @throws ConfigurationException naming the file and field if it is not a baseline file
   * @throws UncheckedIOException if it cannot be read
   */
  public static RunResult read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(file + ": not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read baseline " + file, e);
    }
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new ConfigurationException(file + ": field 'format' must be '" + FORMAT + "' but was '"
          + root.path("format").asText() + "'");
    }
    List<CaseOutcome> outcomes = new ArrayList<>();
    int i = 0;
    for (JsonNode c : root.path("cases")) {
      String where = file + ": cases[" + i++ + "]";
      if (!c.path("id").isTextual()) {
        throw new ConfigurationException(where + ": field 'id' must be a string");
      }
      List<String> tags = new ArrayList<>();
      c.path("tags").forEach(t -> tags.add(t.asText()));
      try {
        outcomes.add(new CaseOutcome(c.path("id").asText(), tags, c.path("runs").asInt(1), c.path("passes").asInt(),
            c.path("passed").asBoolean(), c.path("score").asDouble(), c.path("costNanos").asLong(-1),
            c.path("latencyMs").asDouble(), c.path("answer").asText(), c.path("failures").asText(), c.path("errors").asInt()));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(where + ": " + e.getMessage());
      }
    }
    RepeatRule rule;
    try {
      rule = RepeatRule.valueOf(root.path("repeatRule").asText("MAJORITY").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(file + ": field 'repeatRule' must be one of MAJORITY, ALL, ANY");
    }
    return new RunResult(root.path("dataset").asText(), root.path("datasetVersion").asText(),
        root.path("datasetSize").asInt(outcomes.size()), root.path("candidate").asText(),
        root.path("candidateDescription").asText(), root.path("repeats").asInt(1), rule, root.path("notRun").asInt(),
        false, outcomes, root.path("evaluationCostNanos").asLong(), null, 0);
  }
}
