package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/** The provider is overloaded (Anthropic HTTP 529 {@code overloaded_error}); retry later with backoff. */
public class OverloadedException extends ProviderUnavailableException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link LlmException#LlmException(String, ErrorDetails, Throwable)}. */
  public OverloadedException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  /** Creates the exception with no cause. */
  public OverloadedException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  /** {@inheritDoc} Always true. */
  @Override
  public boolean retryable() {
    return true;
  }
}
