package dev.llmops.eval.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Money;
import dev.llmops.eval.evaluator.Score;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The results file of a run: a header line, then one JSON line per case repeat, appended as each
 * finishes (so memory holds only the cases in flight) and flushed line by line (so an interrupted
 * run loses at most the line being written, which resuming cuts off).
 */
final class ResultsFile implements AutoCloseable {
  static final String FORMAT = "llmops-eval-results/1";
  static final ObjectMapper JSON = new ObjectMapper();

  /** What identifies a run's results: a file resumes only a run with the same header. */
  record Header(String datasetName, String datasetVersion, int datasetSize, String candidateName,
      String candidateDescription, int repeats, @Nullable Long seed, List<String> evaluators) {

    ObjectNode toJson() {
      ObjectNode n = JSON.createObjectNode();
      n.put("format", FORMAT);
      n.put("dataset", datasetName);
      n.put("datasetVersion", datasetVersion);
      n.put("datasetSize", datasetSize);
      n.put("candidate", candidateName);
      n.put("candidateDescription", candidateDescription);
      n.put("repeats", repeats);
      if (seed != null) {
        n.put("seed", seed);
      } else {
        n.putNull("seed");
      }
      evaluators.forEach(n.putArray("evaluators")::add);
      return n;
    }

    /** The first 12 hex digits of the SHA-256 of the header's JSON: names the results file. */
    String key() {
      try {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
            .digest(toJson().toString().getBytes(StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest, 0, 6);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required of every JVM", e);
      }
    }

    static Header fromJson(JsonNode n, Path file) {
      if (!FORMAT.equals(n.path("format").asText())) {
        throw new IllegalStateException(file + ": not an llmops-eval results file (format '" + n.path("format").asText() + "')");
      }
      List<String> evaluators = new ArrayList<>();
      n.path("evaluators").forEach(e -> evaluators.add(e.asText()));
      return new Header(n.path("dataset").asText(), n.path("datasetVersion").asText(), n.path("datasetSize").asInt(),
          n.path("candidate").asText(), n.path("candidateDescription").asText(), n.path("repeats").asInt(),
          n.path("seed").isNumber() ? n.path("seed").asLong() : null, evaluators);
    }
  }

  private final Path file;
  private final BufferedWriter out;

  private ResultsFile(Path file, BufferedWriter out) {
    this.file = file;
    this.out = out;
  }

  /**
   * Opens {@code file} for a run: a new file gets the header; an existing one with the same header
   * is resumed (its finished case repeats are set in {@code done}, as {@code index * repeats +
   * repeat}, and a cut-off last line is removed); one with another header is replaced.
   */
  static ResultsFile open(Path file, Header header, BitSet done) throws IOException {
    Files.createDirectories(Objects.requireNonNull(file.toAbsolutePath().getParent(), "parent"));
    long keep = -1;
    if (Files.exists(file)) {
      keep = scan(file, header, done);
    }
    if (keep < 0) {
      done.clear();
      BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      w.write(JSON.writeValueAsString(header.toJson()));
      w.write('\n');
      w.flush();
      return new ResultsFile(file, w);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(keep);
    }
    return new ResultsFile(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
  }

  /** Reads an existing file: the byte length of its valid prefix, or -1 if its header differs. */
  private static long scan(Path file, Header header, BitSet done) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int pos = 0;
    int lineNo = 0;
    long valid = 0;
    while (pos < bytes.length) {
      int end = pos;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      if (end == bytes.length) {
        break; // no newline: the line being written when the run stopped
      }
      String line = new String(bytes, pos, end - pos, StandardCharsets.UTF_8);
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        break;
      }
      if (lineNo == 0) {
        if (!Header.fromJson(n, file).equals(header)) {
          return -1;
        }
      } else {
        done.set(n.path("i").asInt() * header.repeats() + n.path("r").asInt());
      }
      lineNo++;
      pos = end + 1;
      valid = pos;
    }
    return lineNo == 0 ? -1 : valid;
  }

  /** Appends one case repeat and flushes it. */
  synchronized void append(CaseResult r) throws IOException {
    out.write(JSON.writeValueAsString(toJson(r)));
    out.write('\n');
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  Path file() {
    return file;
  }

  static ObjectNode toJson(CaseResult r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("i", r.index());
    n.put("id", r.caseId());
    n.put("r", r.repeat());
    r.tags().forEach(n.putArray("tags")::add);
    n.put("passed", r.passed());
    n.put("score", r.score());
    ObjectNode scores = n.putObject("scores");
    r.scores().forEach((name, s) -> {
      ObjectNode o = scores.putObject(name);
      o.put("value", s.value());
      o.put("passed", s.passed());
      o.put("reason", s.reason());
      if (!s.cost().isZero()) {
        o.put("costNanos", s.cost().toNanosCeiling());
      }
    });
    n.put("answer", r.answer());
    if (r.error() != null) {
      n.put("error", r.error());
    }
    if (r.cost() != null) {
      n.put("costNanos", r.cost().toNanosCeiling());
    }
    n.put("evaluationCostNanos", r.evaluationCost().toNanosCeiling());
    n.put("latencyMs", r.latency().toMillis());
    Fingerprint f = r.fingerprint();
    if (f != null) {
      ObjectNode o = n.putObject("fingerprint");
      putNullable(o, "prompt", f.promptName());
      o.put("version", f.promptVersion());
      putNullable(o, "contentHash", f.contentHash());
      putNullable(o, "model", f.model());
      o.put("parametersHash", f.parametersHash());
      putNullable(o, "experiment", f.experimentKey());
      putNullable(o, "variant", f.variant());
      putNullable(o, "dataset", f.dataset());
      putNullable(o, "served", f.served());
    }
    return n;
  }

  private static void putNullable(ObjectNode o, String key, @Nullable String value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  static CaseResult fromJson(JsonNode n) {
    List<String> tags = new ArrayList<>();
    n.path("tags").forEach(t -> tags.add(t.asText()));
    Map<String, Score> scores = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.path("scores").properties()) {
      JsonNode s = e.getValue();
      scores.put(e.getKey(), new Score(s.path("value").asDouble(), s.path("passed").asBoolean(), s.path("reason").asText(),
          Money.ofNanos(s.path("costNanos").asLong(0))));
    }
    JsonNode f = n.path("fingerprint");
    Fingerprint fingerprint = f.isObject()
        ? new Fingerprint(text(f, "prompt"), f.path("version").asInt(), text(f, "contentHash"), text(f, "model"),
            f.path("parametersHash").asText(), text(f, "experiment"), text(f, "variant"), text(f, "dataset"),
            text(f, "served"))
        : null;
    return new CaseResult(n.path("i").asInt(), n.path("id").asText(), n.path("r").asInt(), tags,
        n.path("answer").asText(), text(n, "error"), scores,
        n.has("costNanos") ? Money.ofNanos(n.path("costNanos").asLong()) : null,
        Money.ofNanos(n.path("evaluationCostNanos").asLong(0)), Duration.ofMillis(n.path("latencyMs").asLong()),
        fingerprint);
  }

  private static @Nullable String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }

  /**
   * Summarises a results file into a {@link RunResult}: reads it line by line, keeping per case
   * only counters and the first answer.
   */
  static RunResult summarise(Path file, RepeatRule rule, boolean budgetExhausted, int peakInFlight) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      if (first == null) {
        throw new IllegalStateException(file + ": empty results file");
      }
      Header h = Header.fromJson(JSON.readTree(first), file);
      int size = h.datasetSize();
      Acc[] acc = new Acc[size];
      long evaluationCost = 0;
      int written = 0;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        CaseResult r = fromJson(JSON.readTree(line));
        if (r.index() < 0 || r.index() >= size) {
          throw new IllegalStateException(file + ": case index " + r.index() + " outside the dataset's " + size);
        }
        Acc a = acc[r.index()];
        if (a == null) {
          a = new Acc(r.caseId(), r.tags());
          acc[r.index()] = a;
        }
        a.add(r);
        evaluationCost += r.evaluationCost().toNanosCeiling();
        written++;
      }
      List<CaseOutcome> outcomes = new ArrayList<>();
      for (Acc a : acc) {
        if (a != null) {
          outcomes.add(a.outcome(rule));
        }
      }
      int notRun = size * h.repeats() - written;
      return new RunResult(h.datasetName(), h.datasetVersion(), size, h.candidateName(), h.candidateDescription(),
          h.repeats(), rule, notRun, budgetExhausted, outcomes, evaluationCost, file, peakInFlight);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read results file " + file, e);
    }
  }

  /** One case's counters while summarising. */
  private static final class Acc {
    final String id;
    final List<String> tags;
    int runs;
    int passes;
    int errors;
    double scoreSum;
    long costNanos;
    long latencyMillis;
    String answer = "";
    int answerRepeat = Integer.MAX_VALUE;
    String failures = "";
    int failuresRepeat = Integer.MAX_VALUE;

    Acc(String id, List<String> tags) {
      this.id = id;
      this.tags = tags;
    }

    void add(CaseResult r) {
      runs++;
      if (r.passed()) {
        passes++;
      } else if (r.repeat() < failuresRepeat) {
        failures = r.failures();
        failuresRepeat = r.repeat();
      }
      if (r.error() != null) {
        errors++;
      }
      scoreSum += r.score();
      if (costNanos >= 0) {
        costNanos = r.cost() == null ? -1 : costNanos + r.cost().toNanosCeiling();
      }
      latencyMillis += r.latency().toMillis();
      if (r.repeat() < answerRepeat) {
        answer = r.answer();
        answerRepeat = r.repeat();
      }
    }

    CaseOutcome outcome(RepeatRule rule) {
      return new CaseOutcome(id, tags, runs, passes, rule.passed(passes, runs), scoreSum / runs, costNanos,
          (double) latencyMillis / runs, answer, failures, errors);
    }
  }
}
