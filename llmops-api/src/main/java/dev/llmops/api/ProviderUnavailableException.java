package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/** The provider failed on its side or could not be reached: HTTP 500, 502, 503, 504, or a connection failure. */
public class ProviderUnavailableException extends LlmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link LlmException#LlmException(String, ErrorDetails, Throwable)}. */
  public ProviderUnavailableException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  /** Creates the exception with no cause. */
  public ProviderUnavailableException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  /** {@inheritDoc} Always true. */
  @Override
  public boolean retryable() {
    return true;
  }
}
