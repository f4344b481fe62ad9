package dev.llmops.eval.run;

import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.Money;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.Scope;
import dev.llmops.core.budget.Window;
import java.util.Objects;

/**
 * A hard budget for a whole evaluation run, enforced by llmops' own budgets on the client: {@link
 * #budget()} is a hard money budget per API key id over all time, which the application adds to
 * the client's {@code Budgets}; the runner gives each run an API key id of its own ({@code
 * llmops-eval:<run>}) in the context of every call it makes, judges' calls included. Admission then
 * reserves a safe upper bound of each call's cost before it is sent, so concurrent calls can never
 * spend past the limit; once a call is refused, the runner starts no new case and reports the run
 * as incomplete. Immutable.
 */
public final class RunBudget {
  /** The prefix of the API key ids the runner gives its runs. */
  public static final String KEY_PREFIX = "llmops-eval:";
  /** The name of the budget {@link #budget()} returns. */
  public static final String BUDGET_NAME = "llmops-eval-run";

  private final Money limit;

  private RunBudget(Money limit) {
    this.limit = limit;
  }

  /**
   * A run budget of {@code limit}.
   *
   * @throws IllegalArgumentException if the limit is zero
   */
  public static RunBudget of(Money limit) {
    Objects.requireNonNull(limit, "limit");
    if (limit.isZero()) {
      throw new IllegalArgumentException("a run budget must be above zero");
    }
    return new RunBudget(limit);
  }

  /** The limit of one run. */
  public Money limit() {
    return limit;
  }

  /** The budget to add to the client's {@code Budgets}: hard, per API key id, for all time. */
  public Budget budget() {
    return Budget.money(Scope.API_KEY, limit, Window.total()).named(BUDGET_NAME);
  }

  /** True if {@code e} is this kind of budget refusing a call of the run with {@code apiKeyId}. */
  static boolean refused(Throwable e, String apiKeyId) {
    return e instanceof BudgetExceededException b && b.scope().equals(Scope.API_KEY.key(
        dev.llmops.api.CallContext.empty().withApiKeyId(apiKeyId)));
  }

  @Override
  public String toString() {
    return "RunBudget[" + limit + " per run]";
  }
}
