package dev.llmops.core.provider.internal;

import dev.llmops.api.LlmException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.Usage;
import org.jspecify.annotations.Nullable;

/** Builds the {@link StreamInterruptedException} of a stream decoder. Stateless. */
public final class StreamFailures {
  private StreamFailures() {}

  /**
   * The failure of a stream that ended early.
   *
   * @param reason what ended it, without any provider text
   * @param errorCode a short code ({@code stream_incomplete}, {@code malformed_json}, the
   *     provider's error type)
   * @param partialText the text received so far
   * @param usageSoFar the usage reported so far, or null
   * @param chunks how many chunks were emitted
   * @param cause the typed error the provider reported, an I/O failure, or null; retryable unless
   *     it is an {@link LlmException} that says otherwise
   */
  public static StreamInterruptedException interrupted(
      String provider, String model, String reason, String errorCode, String partialText,
      @Nullable Usage usageSoFar, int chunks, @Nullable Throwable cause) {
    boolean retryable = !(cause instanceof LlmException typed) || typed.retryable();
    return new StreamInterruptedException(
        provider + " model " + model + ": " + reason + " after " + chunks + " chunks",
        ErrorDetails.of(provider, model).withErrorCode(errorCode),
        partialText, usageSoFar, chunks, retryable, cause);
  }
}
