package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/** An attempt or the whole call took longer than allowed (HTTP 408, a request timeout, or the call deadline). */
public class LlmTimeoutException extends LlmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link LlmException#LlmException(String, ErrorDetails, Throwable)}. */
  public LlmTimeoutException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  /** Creates the exception with no cause. */
  public LlmTimeoutException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  /** {@inheritDoc} Always true. */
  @Override
  public boolean retryable() {
    return true;
  }
}
