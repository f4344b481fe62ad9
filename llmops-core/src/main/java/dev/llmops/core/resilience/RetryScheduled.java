package dev.llmops.core.resilience;

import dev.llmops.api.CallEvent;
import java.time.Duration;
import java.util.Objects;

/**
 * Published when an attempt failed and another attempt on the same endpoint is scheduled.
 *
 * @param endpoint the endpoint that will be tried again
 * @param failedAttempt which attempt on this endpoint failed, from 1
 * @param delay how long until the next attempt
 * @param reason why the attempt failed, a short code such as {@code rate_limited}
 * @param retryAfter true when the delay is the provider's {@code Retry-After}, false for backoff
 */
public record RetryScheduled(String endpoint, int failedAttempt, Duration delay, String reason, boolean retryAfter)
    implements CallEvent {

  /** Checks the components. */
  public RetryScheduled {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String name() {
    return "llmops.resilience.retry";
  }
}
