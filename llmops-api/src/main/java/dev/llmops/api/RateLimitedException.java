package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/** The provider (or a local rate limit) refused the call for now: HTTP 429 without a quota error. Honour {@link #retryAfter()} when set. */
public class RateLimitedException extends LlmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link LlmException#LlmException(String, ErrorDetails, Throwable)}. */
  public RateLimitedException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  /** Creates the exception with no cause. */
  public RateLimitedException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  /** {@inheritDoc} Always true. */
  @Override
  public boolean retryable() {
    return true;
  }
}
