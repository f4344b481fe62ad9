package dev.llmops.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A call was not admitted because a hard budget, quota or local rate limit would be exceeded.
 * Not retryable until {@link #resetAt()}.
 */
public class BudgetExceededException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final String scope;
  private final String limit;
  private final transient @Nullable Instant resetAt;

  /**
   * Creates the exception.
   *
   * @param message what was exceeded
   * @param scope the scope whose limit was hit, for example {@code tenant:acme}
   * @param limit the limit as configured, for example {@code 50.00 USD per day}
   * @param resetAt when the window resets, or null if it does not
   */
  public BudgetExceededException(String message, String scope, String limit, @Nullable Instant resetAt) {
    super(message, ErrorDetails.LOCAL, null);
    this.scope = Objects.requireNonNull(scope, "scope");
    this.limit = Objects.requireNonNull(limit, "limit");
    this.resetAt = resetAt;
  }

  /** The scope whose limit was hit. */
  public String scope() {
    return scope;
  }

  /** The limit as configured, in words. */
  public String limit() {
    return limit;
  }

  /** When the window resets, or null if it does not. */
  public @Nullable Instant resetAt() {
    return resetAt;
  }

  /** Always false: waiting for the window to reset is the caller's decision. */
  @Override
  public boolean retryable() {
    return false;
  }
}
