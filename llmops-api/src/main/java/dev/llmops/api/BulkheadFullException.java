package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/** The endpoint already has its maximum of concurrent calls and the bounded wait ran out: load was shed instead of queued. */
public class BulkheadFullException extends LlmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link LlmException#LlmException(String, ErrorDetails, Throwable)}. */
  public BulkheadFullException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  /** Creates the exception with no cause. */
  public BulkheadFullException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  /** {@inheritDoc} Always false. */
  @Override
  public boolean retryable() {
    return false;
  }
}
