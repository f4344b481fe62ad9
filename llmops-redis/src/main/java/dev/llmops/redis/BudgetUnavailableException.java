package dev.llmops.redis;

import dev.llmops.api.LlmException;
import org.jspecify.annotations.Nullable;

/**
 * A call was not admitted because the shared budget store did not answer in time and the budget
 * fails closed ({@link OutagePolicy#failClosed()}). Retryable: the store may answer again soon.
 */
public final class BudgetUnavailableException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final String counterKey;

  /**
   * Creates the exception.
   *
   * @param counterKey the budget counter that could not be reserved on
   * @param cause why the store did not answer (a timeout, a refused connection)
   */
  public BudgetUnavailableException(String counterKey, @Nullable Throwable cause) {
    super("call not admitted: the budget store did not answer for '" + counterKey
        + "' and the budget fails closed" + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")"),
        ErrorDetails.LOCAL, cause);
    this.counterKey = counterKey;
  }

  /** The budget counter ({@code name|scope|window}) that could not be reserved on. */
  public String counterKey() {
    return counterKey;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
