package dev.llmops.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stream ended before it was complete: it was cut, ended without a finish reason, {@code [DONE]}
 * or {@code message_stop}, carried malformed JSON, or reported an error event mid-stream. Never a
 * silently truncated success: the partial text and the usage known so far travel with it, so the
 * attempt can still be accounted.
 */
public class StreamInterruptedException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final String partialText;
  private final transient @Nullable Usage usageSoFar;
  private final int chunksReceived;
  private final boolean retryable;

  /**
   * Creates the exception.
   *
   * @param message what ended the stream
   * @param details structured fields
   * @param partialText the text received before the interruption
   * @param usageSoFar the usage the provider reported before the interruption, or null if none
   * @param chunksReceived how many chunks were received before the interruption
   * @param retryable whether the underlying condition is transient; a caller that already showed
   *     chunks to its user must not retry regardless (see the resilience guide)
   * @param cause the underlying failure, or null
   */
  public StreamInterruptedException(
      String message,
      ErrorDetails details,
      String partialText,
      @Nullable Usage usageSoFar,
      int chunksReceived,
      boolean retryable,
      @Nullable Throwable cause) {
    super(message, details, cause);
    this.partialText = Objects.requireNonNull(partialText, "partialText");
    this.usageSoFar = usageSoFar;
    this.chunksReceived = chunksReceived;
    this.retryable = retryable;
  }

  /** The text received before the stream was interrupted. */
  public String partialText() {
    return partialText;
  }

  /** The usage the provider reported before the interruption, or null if it reported none. */
  public @Nullable Usage usageSoFar() {
    return usageSoFar;
  }

  /** How many chunks were received before the interruption. */
  public int chunksReceived() {
    return chunksReceived;
  }

  @Override
  public boolean retryable() {
    return retryable;
  }
}
