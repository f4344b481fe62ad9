package dev.llmops.core.resilience;

import dev.llmops.api.LlmException;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * What a failed attempt leads to: a retry on the same endpoint after a wait (the provider's
 * {@code Retry-After} or the backoff), the next fallback endpoint, or the end of the call. A retry
 * is scheduled only when its wait ends before the call's deadline; each one is published as a
 * {@link Resilience.RetryScheduled} event.
 */
final class RetryDecision {
  private RetryDecision() {}

  /** Classifies {@code failure} of {@code run}; {@code deliveredNow} says whether chunks reached the caller. */
  static AttemptFailure classify(ResilientCall call, AttemptRun run, Throwable failure, boolean deliveredNow) {
    if (call.finished || failure instanceof CancellationException || call.chain.call().cancelled()) {
      return new AttemptFailure(failure, null, false);
    }
    if (deliveredNow) {
      return new AttemptFailure(call.interrupted(failure), null, false);
    }
    Resilience config = call.config;
    boolean fallback = config.fallbackWhen.test(failure);
    if (!Resilience.retryable(failure) || run.number >= config.maxAttempts) {
      return new AttemptFailure(failure, null, fallback);
    }
    Duration retryAfter = failure instanceof LlmException e ? e.retryAfter() : null;
    Duration maxRetryAfter = config.maxRetryAfter;
    Duration wait;
    boolean honoured = false;
    if (retryAfter != null && maxRetryAfter != null) {
      honoured = true;
      if (retryAfter.compareTo(maxRetryAfter) > 0) {
        return new AttemptFailure(failure, null, fallback); // longer than we may wait: give the endpoint up
      }
      wait = retryAfter;
    } else {
      wait = config.backoff(run.number);
    }
    CallTimer timer = call.timer;
    if (timer.deadlineAt != CallTimer.NONE && CallTimer.plus(timer.now(), wait) >= timer.deadlineAt) {
      return new AttemptFailure(failure, null, fallback); // the wait would pass the deadline: fail fast
    }
    call.chain.publish(new Resilience.RetryScheduled(run.endpoint, run.number, wait, Resilience.reason(failure), honoured));
    return new AttemptFailure(failure, wait, fallback);
  }
}
