package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/** The provider answered with something that is not a valid response; the message names the field. */
public class MalformedResponseException extends LlmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link LlmException#LlmException(String, ErrorDetails, Throwable)}. */
  public MalformedResponseException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  /** Creates the exception with no cause. */
  public MalformedResponseException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  /** {@inheritDoc} Always false. */
  @Override
  public boolean retryable() {
    return false;
  }
}
