package dev.llmops.eval.evaluator;

import dev.llmops.api.CallContext;
import dev.llmops.eval.dataset.EvalCase;
import java.util.Objects;

/**
 * One answer to evaluate, with where it came from. Immutable.
 *
 * @param datasetId the dataset's {@code name@version}; an evaluator that calls a model records it
 *     in the call's fingerprint
 * @param evalCase the case
 * @param answer the candidate's answer
 * @param repeat which repeat of the case (0-based)
 * @param context the run's call context; an evaluator that calls a model uses it, so its calls
 *     count against the run's budget
 */
public record Sample(String datasetId, EvalCase evalCase, Answer answer, int repeat, CallContext context) {
  /** Checks the components. */
  public Sample {
    Objects.requireNonNull(datasetId, "datasetId");
    Objects.requireNonNull(evalCase, "evalCase");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(context, "context");
    if (repeat < 0) {
      throw new IllegalArgumentException("repeat must be >= 0 but was " + repeat);
    }
  }
}
