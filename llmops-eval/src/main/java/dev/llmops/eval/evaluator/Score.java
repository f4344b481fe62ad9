package dev.llmops.eval.evaluator;

import dev.llmops.api.Money;
import java.util.Objects;

/**
 * What one evaluator made of one answer: a score in [0, 1], whether it passed, a short reason
 * (at most {@value #MAX_REASON} characters; longer ones are cut), and what the evaluation itself
 * cost (an LLM judge's call; zero for local checks). Immutable.
 *
 * @param value the score, in [0, 1]
 * @param passed whether the answer passed this check
 * @param reason why, in a few words (never the answer's personal data)
 * @param cost what evaluating cost
 */
public record Score(double value, boolean passed, String reason, Money cost) {
  /** The longest reason kept. */
  public static final int MAX_REASON = 240;

  /** Checks the components; cuts a long reason. */
  public Score {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("score must be in [0, 1] but was " + value);
    }
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(cost, "cost");
    if (reason.length() > MAX_REASON) {
      reason = reason.substring(0, MAX_REASON - 1) + "…";
    }
  }

  /** A pass with score 1. */
  public static Score pass(String reason) {
    return new Score(1, true, reason, Money.ZERO);
  }

  /** A failure with score 0. */
  public static Score fail(String reason) {
    return new Score(0, false, reason, Money.ZERO);
  }

  /** A score that passes when {@code value >= threshold}. */
  public static Score of(double value, double threshold, String reason) {
    return new Score(value, value >= threshold, reason, Money.ZERO);
  }

  /** This score with what evaluating cost. */
  public Score withCost(Money cost) {
    return new Score(value, passed, reason, cost);
  }
}
