package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/** The provider rejected the request as malformed or unsupported (HTTP 400, 404, 413, 422), or the request names an unknown model endpoint. */
public class InvalidRequestException extends LlmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link LlmException#LlmException(String, ErrorDetails, Throwable)}. */
  public InvalidRequestException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  /** Creates the exception with no cause. */
  public InvalidRequestException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  /** {@inheritDoc} Always false. */
  @Override
  public boolean retryable() {
    return false;
  }
}
