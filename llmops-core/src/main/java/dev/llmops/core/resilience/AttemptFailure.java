package dev.llmops.core.resilience;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a failed attempt is handed to Failsafe: the failure, whether to retry (and after how long),
 * and whether the endpoint may be given up for a fallback. Never escapes the resilience step.
 */
final class AttemptFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient @Nullable Duration retryDelay;
  private final boolean fallback;

  AttemptFailure(Throwable cause, @Nullable Duration retryDelay, boolean fallback) {
    super(null, cause, false, false);
    this.retryDelay = retryDelay;
    this.fallback = fallback;
  }

  /** The wait before the next attempt on the same endpoint, or null when not to retry. */
  @Nullable Duration retryDelay() {
    return retryDelay;
  }

  /** Whether the next fallback endpoint may take the call. */
  boolean fallback() {
    return fallback;
  }

  /** The attempt's failure. */
  Throwable failure() {
    Throwable c = getCause();
    return c == null ? this : c;
  }

  /** Failsafe's retry predicate. */
  static boolean retries(Throwable t) {
    return t instanceof AttemptFailure f && f.retryDelay != null;
  }

  /** Failsafe's delay function. */
  static Duration delayOf(@Nullable Throwable t) {
    if (t instanceof AttemptFailure f) {
      Duration d = f.retryDelay;
      if (d != null) {
        return d;
      }
    }
    return Duration.ZERO;
  }
}
