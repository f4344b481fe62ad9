package dev.llmops.core.pipeline;

import dev.llmops.api.LlmException;
import dev.llmops.api.ProviderUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Unwrapping of the wrappers that {@code CompletableFuture} puts around failures. */
public final class Failures {
  private Failures() {}

  /** The failure inside any {@link CompletionException} or {@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The failure as something a blocking caller can throw: unchecked exceptions and errors as they
   * are, a checked exception (which a well-behaved model never produces) wrapped in a {@link
   * ProviderUnavailableException}.
   */
  public static RuntimeException toUnchecked(Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof RuntimeException runtime) {
      return runtime;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new ProviderUnavailableException(
        "model failed with a checked " + t.getClass().getName(), LlmException.ErrorDetails.LOCAL, t);
  }
}
