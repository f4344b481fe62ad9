package dev.llmops.eval.run;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One case's outcome over its repeats, as a comparison pairs it with another run's. Immutable.
 *
 * @param caseId the case's id
 * @param tags the case's tags
 * @param runs how many repeats ran
 * @param passes how many of them passed
 * @param passed whether the case counts as passed (the run's {@link RepeatRule})
 * @param score the mean score over the repeats, in [0, 1]
 * @param costNanos the calls' total cost in nano-dollars, or -1 when any was unknown
 * @param latencyMillis the mean latency, in milliseconds
 * @param answer the first repeat's answer, redacted (empty when it failed)
 * @param failures the first failing repeat's failures, or empty
 * @param errors how many repeats failed to get an answer
 */
public record CaseOutcome(
    String caseId,
    List<String> tags,
    int runs,
    int passes,
    boolean passed,
    double score,
    long costNanos,
    double latencyMillis,
    String answer,
    String failures,
    int errors) {

  /** Checks the components. */
  public CaseOutcome {
    Objects.requireNonNull(caseId, "caseId");
    tags = List.copyOf(tags);
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(failures, "failures");
    if (runs < 1 || passes < 0 || passes > runs) {
      throw new IllegalArgumentException("need 0 <= passes <= runs and runs >= 1 but had " + passes + " of " + runs);
    }
  }

  /** The cost in nano-dollars, or null when unknown. */
  public @Nullable Long cost() {
    return costNanos < 0 ? null : costNanos;
  }
}
