package dev.llmops.core.budget;

import dev.llmops.api.CallEvent;
import java.time.Duration;

/** The events admission publishes to call listeners. */
public final class BudgetEvents {
  private BudgetEvents() {}

  /**
   * A soft budget is past its limit; the call was admitted.
   *
   * @param scope the scope value, for example {@code tenant:acme}
   * @param limit the limit in words
   */
  public record SoftLimitExceeded(String scope, String limit) implements CallEvent {
    @Override
    public String name() {
      return "llmops.budget.soft_limit_exceeded";
    }
  }

  /**
   * A call was sent to a cheaper endpoint because a limit had no room for it (model tiering).
   *
   * @param from the endpoint the call asked for
   * @param to the endpoint it goes to
   * @param scope the scope whose limit was hit
   * @param limit the limit in words
   */
  public record Downgraded(String from, String to, String scope, String limit) implements CallEvent {
    @Override
    public String name() {
      return "llmops.budget.downgraded";
    }
  }

  /**
   * Admission waits for room before trying again.
   *
   * @param delay how long
   * @param scope the scope whose limit was hit
   * @param limit the limit in words
   */
  public record Waiting(Duration delay, String scope, String limit) implements CallEvent {
    @Override
    public String name() {
      return "llmops.budget.waiting";
    }
  }

  /**
   * An attempt under a hard budget used more than was reserved for it (a provider that ignored the
   * output cap, an unpriced model charged at a fallback price below its real one). The whole
   * usage is charged, so the budget may end above its limit by {@code overshoot}; this event says
   * so, never silently.
   *
   * @param scope the scope value, for example {@code tenant:acme}
   * @param limit the limit in words
   * @param reserved what was reserved, in the budget's counter unit (nano-dollars or tokens)
   * @param actual what was charged, in the same unit
   * @param overshoot {@code actual - reserved}, {@code > 0}
   */
  public record Overshoot(String scope, String limit, long reserved, long actual, long overshoot)
      implements CallEvent {
    @Override
    public String name() {
      return "llmops.budget.overshoot";
    }
  }
}
