package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/** A circuit breaker for the model endpoint is open, so the call was not sent. Not retryable on the same endpoint; a fallback endpoint may serve it. */
public class CircuitOpenException extends LlmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link LlmException#LlmException(String, ErrorDetails, Throwable)}. */
  public CircuitOpenException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  /** Creates the exception with no cause. */
  public CircuitOpenException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  /** {@inheritDoc} Always false. */
  @Override
  public boolean retryable() {
    return false;
  }
}
