package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/** The provider's safety system refused the input or the output. */
public class ContentFilteredException extends LlmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link LlmException#LlmException(String, ErrorDetails, Throwable)}. */
  public ContentFilteredException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  /** Creates the exception with no cause. */
  public ContentFilteredException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  /** {@inheritDoc} Always false. */
  @Override
  public boolean retryable() {
    return false;
  }
}
