package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/** The account's quota or credit is used up (OpenAI {@code insufficient_quota}, billing errors): retrying will not help, falling back to another provider may. */
public class QuotaExhaustedException extends LlmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link LlmException#LlmException(String, ErrorDetails, Throwable)}. */
  public QuotaExhaustedException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  /** Creates the exception with no cause. */
  public QuotaExhaustedException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  /** {@inheritDoc} Always false. */
  @Override
  public boolean retryable() {
    return false;
  }
}
