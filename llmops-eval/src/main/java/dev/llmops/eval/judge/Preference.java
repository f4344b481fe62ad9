package dev.llmops.eval.judge;

import dev.llmops.api.Money;
import java.util.Objects;

/**
 * A pairwise judgement of baseline against candidate on one case, asked in both orders. Immutable.
 *
 * @param winner which answer won: only when both orders agree, else a tie
 * @param consistent whether the two orders agreed (a judge with position bias often does not)
 * @param firstReason the judge's reason with the baseline shown first
 * @param secondReason its reason with the candidate shown first
 * @param cost what the two calls cost
 */
public record Preference(Winner winner, boolean consistent, String firstReason, String secondReason, Money cost) {

  /** Which answer a pairwise judgement prefers. */
  public enum Winner {
    /** The baseline's answer. */
    BASELINE,
    /** The candidate's answer. */
    CANDIDATE,
    /** Neither (a tie, or the two orders disagreed). */
    TIE
  }

  /** Checks the components. */
  public Preference {
    Objects.requireNonNull(winner, "winner");
    Objects.requireNonNull(firstReason, "firstReason");
    Objects.requireNonNull(secondReason, "secondReason");
    Objects.requireNonNull(cost, "cost");
  }
}
