package dev.llmops.eval.run;

import dev.llmops.api.Fingerprint;
import dev.llmops.api.Money;
import dev.llmops.eval.evaluator.Score;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One repeat of one case: the answer (as stored: redacted), each evaluator's score, and what the
 * call recorded. Immutable.
 *
 * @param index the case's position in the dataset (0-based)
 * @param caseId the case's id
 * @param repeat the repeat (0-based)
 * @param tags the case's tags
 * @param answer the answer, redacted; empty when the call failed
 * @param error the failure's type and message when the call failed, else null
 * @param scores each evaluator's score, by evaluator name, in evaluator order
 * @param cost the call's cost, or null when unknown
 * @param evaluationCost what the evaluators' own calls cost (a judge's)
 * @param latency the call's latency on the client's clock
 * @param fingerprint the call's fingerprint, or null
 */
public record CaseResult(
    int index,
    String caseId,
    int repeat,
    List<String> tags,
    String answer,
    @Nullable String error,
    Map<String, Score> scores,
    @Nullable Money cost,
    Money evaluationCost,
    Duration latency,
    @Nullable Fingerprint fingerprint) {

  /** Checks and copies the components. */
  public CaseResult {
    Objects.requireNonNull(caseId, "caseId");
    tags = List.copyOf(tags);
    Objects.requireNonNull(answer, "answer");
    scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    Objects.requireNonNull(evaluationCost, "evaluationCost");
    Objects.requireNonNull(latency, "latency");
  }

  /** Passed: the call answered and every evaluator passed it. */
  public boolean passed() {
    if (error != null) {
      return false;
    }
    for (Score s : scores.values()) {
      if (!s.passed()) {
        return false;
      }
    }
    return true;
  }

  /** The mean of the evaluators' scores (1 with no evaluator, 0 when the call failed). */
  public double score() {
    if (error != null) {
      return 0;
    }
    if (scores.isEmpty()) {
      return 1;
    }
    double sum = 0;
    for (Score s : scores.values()) {
      sum += s.value();
    }
    return sum / scores.size();
  }

  /** The failing evaluators' names and reasons (or the error), for a report; empty when it passed. */
  public String failures() {
    if (error != null) {
      return "error: " + error;
    }
    StringBuilder sb = new StringBuilder();
    scores.forEach((name, s) -> {
      if (!s.passed()) {
        if (sb.length() > 0) {
          sb.append("; ");
        }
        sb.append(name).append(": ").append(s.reason());
      }
    });
    return sb.toString();
  }
}
