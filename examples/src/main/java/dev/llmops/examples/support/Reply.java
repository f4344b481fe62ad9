package dev.llmops.examples.support;

import dev.llmops.api.Completion;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the assistant answered a ticket.
 *
 * @param ticket the ticket
 * @param outcome how it went
 * @param text the answer, or the message shown to the customer instead
 * @param completion the model call's result, when it answered
 * @param error the failure's type, when it did not
 */
public record Reply(
    Ticket ticket, Outcome outcome, String text, @Nullable Completion completion, @Nullable String error) {

  /** How a ticket went. */
  public enum Outcome {
    /** A model answered. */
    ANSWERED,
    /** The tenant's budget was spent: the ticket goes to a human. */
    OVER_BUDGET,
    /** Every model and retry failed: the ticket goes to a human. */
    FAILED
  }

  /** Checks the components. */
  public Reply {
    Objects.requireNonNull(ticket, "ticket");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(text, "text");
    if ((outcome == Outcome.ANSWERED) != (completion != null)) {
      throw new IllegalArgumentException("a completion goes with an answered reply, and only with one");
    }
  }
}
