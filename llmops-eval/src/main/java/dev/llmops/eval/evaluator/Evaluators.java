package dev.llmops.eval.evaluator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.llmops.api.Money;
import dev.llmops.core.redaction.Finding;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.eval.dataset.EvalCase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The built-in evaluators. Each is thread-safe, local (no model call) and cheap next to a model
 * call; each names itself (the name is a report column) and explains a failure in a few words
 * without quoting personal data. Checks that need an expectation take it either fixed or from the
 * case (its reference or a metadata key).
 */
public final class Evaluators {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?");
  private static final List<String> REFUSALS = List.of(
      "i can't help", "i cannot help", "i can't assist", "i cannot assist", "i can't provide",
      "i cannot provide", "i can't share", "i cannot share", "i'm sorry, but i", "i am sorry, but i",
      "i'm unable to", "i am unable to", "i'm not able to", "i am not able to", "i won't be able to",
      "i must decline", "as an ai");

  private Evaluators() {}

  /** Passes when the answer equals the case's reference exactly. */
  public static Evaluator exactMatch() {
    return Evaluator.of("exact-match", s -> withReference(s, ref -> s.answer().text().equals(ref)
        ? Score.pass("equals the reference") : Score.fail("differs from the reference")));
  }

  /** Passes when the answer equals the reference after {@link TextMetrics#normalise}. */
  public static Evaluator normalisedMatch() {
    return Evaluator.of("normalised-match", s -> withReference(s, ref ->
        TextMetrics.normalise(s.answer().text()).equals(TextMetrics.normalise(ref))
            ? Score.pass("equals the reference, normalised") : Score.fail("differs from the reference, normalised")));
  }

  /** Passes when the answer contains every one of {@code texts}, ignoring case; scores the share found. */
  public static Evaluator contains(String... texts) {
    List<String> fixed = List.of(texts);
    return contains("contains", c -> fixed);
  }

  /** Like {@link #contains(String...)}, with the texts from the case's metadata list under {@code key}. */
  public static Evaluator containsFromMetadata(String key) {
    Objects.requireNonNull(key, "key");
    return contains("contains:" + key, c -> c.metadataTexts(key));
  }

  private static Evaluator contains(String name, Function<EvalCase, List<String>> texts) {
    return Evaluator.of(name, s -> {
      List<String> wanted = texts.apply(s.evalCase());
      if (wanted.isEmpty()) {
        return Score.pass("nothing required");
      }
      List<String> missing = found(s.answer().text(), wanted, false);
      double share = (double) (wanted.size() - missing.size()) / wanted.size();
      return missing.isEmpty()
          ? Score.pass("contains all " + wanted.size())
          : new Score(share, false, "missing " + quoted(missing), Money.ZERO);
    });
  }

  /** The texts the answer contains ({@code present}) or lacks, ignoring case. */
  private static List<String> found(String answer, List<String> texts, boolean present) {
    String a = answer.toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    for (String t : texts) {
      if (a.contains(t.toLowerCase(Locale.ROOT)) == present) {
        out.add(t);
      }
    }
    return out;
  }

  /** Passes when the answer contains none of {@code texts}, ignoring case. */
  public static Evaluator doesNotContain(String... texts) {
    List<String> fixed = List.of(texts);
    return doesNotContain("does-not-contain", c -> fixed);
  }

  /** Like {@link #doesNotContain(String...)}, with the texts from the case's metadata list under {@code key}. */
  public static Evaluator doesNotContainFromMetadata(String key) {
    Objects.requireNonNull(key, "key");
    return doesNotContain("does-not-contain:" + key, c -> c.metadataTexts(key));
  }

  private static Evaluator doesNotContain(String name, Function<EvalCase, List<String>> texts) {
    return Evaluator.of(name, s -> {
      List<String> found = found(s.answer().text(), texts.apply(s.evalCase()), true);
      return found.isEmpty() ? Score.pass("contains none") : Score.fail("contains " + quoted(found));
    });
  }

  /** Passes when {@code pattern} is found in the answer. */
  public static Evaluator regex(Pattern pattern) {
    Objects.requireNonNull(pattern, "pattern");
    return Evaluator.of("regex", s -> pattern.matcher(s.answer().text()).find()
        ? Score.pass("matches /" + pattern.pattern() + "/") : Score.fail("does not match /" + pattern.pattern() + "/"));
  }

  /** Passes when the whole answer (surrounding whitespace aside) is one valid JSON value. */
  public static Evaluator validJson() {
    return Evaluator.of("valid-json", s -> {
      try {
        JSON.readTree(s.answer().text());
        return Score.pass("valid JSON");
      } catch (JsonProcessingException e) {
        return Score.fail("not valid JSON: " + e.getOriginalMessage());
      }
    });
  }

  /**
   * Passes when the answer is JSON that conforms to {@code schemaJson} (draft 2020-12 unless the
   * schema's {@code $schema} names another), checked by networknt's json-schema-validator.
   * References to other documents are not fetched.
   *
   * @throws IllegalArgumentException if the schema is not valid JSON
   */
  public static Evaluator jsonSchema(String schemaJson) {
    Objects.requireNonNull(schemaJson, "schemaJson");
    Schema schema;
    try {
      JsonNode node = JSON.readTree(schemaJson);
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the JSON schema is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return Evaluator.of("json-schema", s -> {
      JsonNode answer;
      try {
        answer = JSON.readTree(s.answer().text());
      } catch (JsonProcessingException e) {
        return Score.fail("not valid JSON: " + e.getOriginalMessage());
      }
      List<Error> errors = schema.validate(answer);
      if (errors.isEmpty()) {
        return Score.pass("conforms to the schema");
      }
      List<String> first = new ArrayList<>();
      for (Error e : errors.subList(0, Math.min(3, errors.size()))) {
        first.add(e.getInstanceLocation() + " " + e.getKeyword());
      }
      return Score.fail(errors.size() + " schema violation(s): " + String.join("; ", first));
    });
  }

  /**
   * Passes when the first number in the answer (thousands may be separated by commas) is within
   * {@code tolerance} of the reference, read as a number.
   *
   * @throws IllegalArgumentException if the tolerance is negative
   */
  public static Evaluator numeric(double tolerance) {
    return numeric("numeric", tolerance, c -> {
      String ref = c.reference();
      return ref == null ? null : firstNumber(ref);
    });
  }

  /** Like {@link #numeric(double)}, with the expected number from the case's metadata under {@code key}. */
  public static Evaluator numericFromMetadata(String key, double tolerance) {
    Objects.requireNonNull(key, "key");
    return numeric("numeric:" + key, tolerance, c -> {
      String v = c.metadataText(key);
      return v == null ? null : firstNumber(v);
    });
  }

  private static Evaluator numeric(String name, double tolerance, Function<EvalCase, @Nullable Double> expected) {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0 but was " + tolerance);
    }
    return Evaluator.of(name, s -> {
      Double want = expected.apply(s.evalCase());
      if (want == null) {
        return Score.fail("case '" + s.evalCase().id() + "' has no expected number");
      }
      Double got = firstNumber(s.answer().text());
      if (got == null) {
        return Score.fail("no number in the answer");
      }
      double off = Math.abs(got - want);
      return off <= tolerance
          ? Score.pass("within " + tolerance + " of " + want)
          : Score.fail(got + " is " + off + " from " + want + " (tolerance " + tolerance + ")");
    });
  }

  static @Nullable Double firstNumber(String text) {
    Matcher m = NUMBER.matcher(text);
    return m.find() ? Double.valueOf(m.group().replace(",", "")) : null;
  }

  /**
   * Passes when the answer has between {@code min} and {@code max} characters.
   *
   * @throws IllegalArgumentException if {@code min < 0} or {@code max < min}
   */
  public static Evaluator length(int min, int max) {
    if (min < 0 || max < min) {
      throw new IllegalArgumentException("need 0 <= min <= max but had " + min + " and " + max);
    }
    return Evaluator.of("length", s -> {
      int n = s.answer().text().length();
      return n >= min && n <= max
          ? Score.pass(n + " characters")
          : Score.fail(n + " characters, outside [" + min + ", " + max + "]");
    });
  }

  /** True if {@code text} reads as a refusal (a fixed list of refusal phrases, ignoring case). */
  public static boolean isRefusal(String text) {
    String t = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
    for (String r : REFUSALS) {
      if (t.contains(r)) {
        return true;
      }
    }
    return false;
  }

  /** Passes when the answer is not a refusal ({@link #isRefusal}). */
  public static Evaluator noRefusal() {
    return refusal(c -> false);
  }

  /** Passes when the answer refuses exactly for the cases {@code shouldRefuse} accepts. */
  public static Evaluator refusal(Predicate<EvalCase> shouldRefuse) {
    Objects.requireNonNull(shouldRefuse, "shouldRefuse");
    return Evaluator.of("refusal", s -> {
      boolean refused = isRefusal(s.answer().text());
      boolean expected = shouldRefuse.test(s.evalCase());
      if (refused == expected) {
        return Score.pass(refused ? "refused, as it should" : "answered");
      }
      return Score.fail(refused ? "refused a question it should answer" : "answered where it should refuse");
    });
  }

  /**
   * Passes when {@code redactor} finds no personal data or secret in the answer; a failure names
   * the kinds found, never the values.
   */
  public static Evaluator noPii(Redactor redactor) {
    Objects.requireNonNull(redactor, "redactor");
    return Evaluator.of("no-pii", s -> {
      List<Finding> found = redactor.find(s.answer().text());
      if (found.isEmpty()) {
        return Score.pass("no personal data or secret");
      }
      TreeSet<String> kinds = new TreeSet<>();
      for (Finding f : found) {
        kinds.add(f.type());
      }
      return Score.fail("contains " + String.join(", ", kinds));
    });
  }

  /** Passes when the call cost at most {@code max}; fails when the cost is unknown (no accounting, no price). */
  public static Evaluator costAtMost(Money max) {
    Objects.requireNonNull(max, "max");
    return Evaluator.of("cost", s -> {
      Money cost = s.answer().cost();
      if (cost == null) {
        return Score.fail("cost unknown: the client keeps no accounts or the model has no price");
      }
      return cost.compareTo(max) <= 0 ? Score.pass("cost " + cost) : Score.fail("cost " + cost + " > " + max);
    });
  }

  /** Passes when the call took at most {@code max} on the client's clock. */
  public static Evaluator latencyAtMost(Duration max) {
    Objects.requireNonNull(max, "max");
    return Evaluator.of("latency", s -> {
      Duration d = s.answer().latency();
      return d.compareTo(max) <= 0
          ? Score.pass(d.toMillis() + " ms")
          : Score.fail(d.toMillis() + " ms > " + max.toMillis() + " ms");
    });
  }

  /** Scores {@link TextMetrics#tokenF1} against the reference; passes at {@code threshold} or above. */
  public static Evaluator tokenF1(double threshold) {
    checkThreshold(threshold);
    return Evaluator.of("token-f1", s -> withReference(s, ref -> {
      double f1 = TextMetrics.tokenF1(s.answer().text(), ref);
      return Score.of(f1, threshold, String.format(Locale.ROOT, "token F1 %.3f (pass at %.2f)", f1, threshold));
    }));
  }

  /** Scores {@link TextMetrics#rougeL} against the reference; passes at {@code threshold} or above. */
  public static Evaluator rougeL(double threshold) {
    checkThreshold(threshold);
    return Evaluator.of("rouge-l", s -> withReference(s, ref -> {
      double f = TextMetrics.rougeL(s.answer().text(), ref);
      return Score.of(f, threshold, String.format(Locale.ROOT, "ROUGE-L %.3f (pass at %.2f)", f, threshold));
    }));
  }

  private static void checkThreshold(double threshold) {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in [0, 1] but was " + threshold);
    }
  }

  private static Score withReference(Sample s, Function<String, Score> check) {
    String ref = s.evalCase().reference();
    return ref == null ? Score.fail("case '" + s.evalCase().id() + "' has no reference") : check.apply(ref);
  }

  private static String quoted(List<String> texts) {
    List<String> q = new ArrayList<>(texts.size());
    for (String t : texts) {
      q.add("'" + t + "'");
    }
    return String.join(", ", q);
  }
}
