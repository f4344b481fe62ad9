package dev.llmops.eval.compare;

import java.util.List;
import java.util.Objects;

/**
 * A case whose pass/fail differs between baseline and candidate, with both answers for a side by
 * side view. Immutable.
 *
 * @param caseId the case
 * @param tags its tags
 * @param baselineAnswer the baseline's answer (redacted)
 * @param candidateAnswer the candidate's answer (redacted)
 * @param baselineScore the baseline's mean score
 * @param candidateScore the candidate's mean score
 * @param why the failing side's failures
 * @param critical whether it carries a critical tag
 */
public record CaseChange(
    String caseId, List<String> tags, String baselineAnswer, String candidateAnswer, double baselineScore,
    double candidateScore, String why, boolean critical) {
  /** Checks the components. */
  public CaseChange {
    Objects.requireNonNull(caseId, "caseId");
    tags = List.copyOf(tags);
    Objects.requireNonNull(baselineAnswer, "baselineAnswer");
    Objects.requireNonNull(candidateAnswer, "candidateAnswer");
    Objects.requireNonNull(why, "why");
  }
}
