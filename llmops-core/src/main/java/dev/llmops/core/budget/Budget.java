package dev.llmops.core.budget;

import dev.llmops.api.Money;
import java.util.Objects;

/**
 * A limit on money or tokens spent per scope per window, for example "50 USD per tenant per day".
 * A hard budget is never exceeded: admission reserves a safe upper bound of each attempt's cost
 * before it is sent. A soft budget only publishes a {@link BudgetEvents.SoftLimitExceeded} event.
 * Immutable.
 *
 * @param name a stable name, part of the counter keys (defaults to unit, scope and window)
 * @param scope what the budget is counted per
 * @param unit money (counted in nano-dollars) or tokens
 * @param limit the limit in the unit's integer counter: nano-dollars (1e-9 USD) or tokens
 * @param window the period
 * @param hard true for a hard budget
 * @param onExceeded what admission does when the budget has no room
 */
public record Budget(String name, Scope scope, Unit unit, long limit, Window window, boolean hard, OverLimit onExceeded) {

  /** What a budget counts. */
  public enum Unit {
    /** US dollars, counted in nano-dollars. */
    MONEY,
    /** Input plus output tokens. */
    TOKENS
  }

  /** Checks the components. */
  public Budget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(onExceeded, "onExceeded");
    if (limit < 0) {
      throw new IllegalArgumentException("budget limit must be >= 0 but was " + limit);
    }
  }

  /** A hard money budget that rejects when exceeded. */
  public static Budget money(Scope scope, Money limit, Window window) {
    return new Budget(
        "money/" + scope + "/" + window, scope, Unit.MONEY, Objects.requireNonNull(limit, "limit").toNanosCeiling(),
        window, true, OverLimit.reject());
  }

  /** A hard token budget that rejects when exceeded. */
  public static Budget tokens(Scope scope, long limit, Window window) {
    return new Budget("tokens/" + scope + "/" + window, scope, Unit.TOKENS, limit, window, true, OverLimit.reject());
  }

  /** This budget as a soft one: exceeding it publishes an event and admits the call. */
  public Budget soft() {
    return new Budget(name, scope, unit, limit, window, false, onExceeded);
  }

  /** This budget with another action when it has no room. */
  public Budget onExceeded(OverLimit action) {
    return new Budget(name, scope, unit, limit, window, hard, action);
  }

  /** This budget under another name. */
  public Budget named(String name) {
    return new Budget(name, scope, unit, limit, window, hard, onExceeded);
  }

  /** The limit in words, for example {@code 50 USD per day}. */
  public String describe() {
    String amount = unit == Unit.MONEY ? Money.ofNanos(limit).toString() : limit + " tokens";
    return amount + " " + window;
  }
}
