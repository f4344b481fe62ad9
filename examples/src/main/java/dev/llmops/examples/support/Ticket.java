package dev.llmops.examples.support;

import java.util.Objects;

/**
 * A support question from a customer.
 *
 * @param tenant the customer's organisation
 * @param user the customer's user id (the experiment's subject)
 * @param plan the customer's plan, used in the prompt
 * @param question what the customer asked; may contain personal data
 */
public record Ticket(String tenant, String user, String plan, String question) {
  /** Checks that no component is null. */
  public Ticket {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(question, "question");
  }
}
