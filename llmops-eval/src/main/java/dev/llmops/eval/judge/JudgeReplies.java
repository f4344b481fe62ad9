package dev.llmops.eval.judge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict parsing of a judge's reply: exactly one JSON object (no prose or code fence around it,
 * no duplicate keys) with exactly the expected fields, each of the expected type. Anything else is
 * a {@link MalformedReply} saying what was wrong. Thread-safe.
 */
final class JudgeReplies {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JudgeReplies() {}

  /** A reply that is not what the rubric asks for. */
  static final class MalformedReply extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedReply(String message) {
      super(message);
    }
  }

  /** A graded reply: the score as given and the reason. */
  record Grade(double score, String reason) {}

  /** Parses {@code {"score": <number in [min, max]>, "reason": "<text>"}}. */
  static Grade grade(String text, double min, double max) throws MalformedReply {
    JsonNode n = object(text, Set.of("score", "reason"));
    JsonNode score = n.get("score");
    if (!score.isNumber()) {
      throw new MalformedReply("'score' must be a number but was " + score.getNodeType());
    }
    double s = score.doubleValue();
    if (!(s >= min && s <= max)) {
      throw new MalformedReply("'score' must be in [" + min + ", " + max + "] but was " + s);
    }
    return new Grade(s, reason(n));
  }

  /** A pairwise reply: which answer won ({@code A}, {@code B} or {@code tie}) and why. */
  record Choice(String winner, String reason) {}

  /** Parses {@code {"winner": "A" | "B" | "tie", "reason": "<text>"}}. */
  static Choice choice(String text) throws MalformedReply {
    JsonNode n = object(text, Set.of("winner", "reason"));
    JsonNode w = n.get("winner");
    if (!w.isTextual() || !Set.of("A", "B", "tie").contains(w.asText())) {
      throw new MalformedReply("'winner' must be \"A\", \"B\" or \"tie\" but was " + w);
    }
    return new Choice(w.asText(), reason(n));
  }

  private static JsonNode object(String text, Set<String> fields) throws MalformedReply {
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedReply("not one JSON object: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw new MalformedReply("not a JSON object");
    }
    Set<String> seen = new TreeSet<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      seen.add(it.next());
    }
    if (!seen.equals(fields)) {
      throw new MalformedReply("fields must be exactly " + new TreeSet<>(fields) + " but were " + seen);
    }
    return n;
  }

  private static String reason(JsonNode n) throws MalformedReply {
    JsonNode r = n.get("reason");
    if (!r.isTextual() || r.asText().isBlank()) {
      throw new MalformedReply("'reason' must be a non-blank string");
    }
    return r.asText();
  }
}
