package dev.llmops.core.budget;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What admission does when a limit would be exceeded: reject the call, wait (without holding a
 * thread) up to a bound for room, or send the call to a cheaper model endpoint. Immutable.
 *
 * @param action the action
 * @param maxWait for {@link Action#WAIT}, the longest wait; otherwise zero
 * @param endpoint for {@link Action#DOWNGRADE}, the endpoint to use instead; otherwise null
 */
public record OverLimit(Action action, Duration maxWait, @Nullable String endpoint) {

  /** The kinds of action. */
  public enum Action {
    /** Fail with {@link dev.llmops.api.BudgetExceededException}. */
    REJECT,
    /** Wait for room up to a bound, then reject. */
    WAIT,
    /** Re-admit the call on a cheaper endpoint (model tiering). */
    DOWNGRADE
  }

  /** Checks the components. */
  public OverLimit {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
    if (action == Action.DOWNGRADE && (endpoint == null || endpoint.isBlank())) {
      throw new IllegalArgumentException("DOWNGRADE needs the endpoint to downgrade to");
    }
  }

  /** Reject the call (the default). */
  public static OverLimit reject() {
    return new OverLimit(Action.REJECT, Duration.ZERO, null);
  }

  /** Wait up to {@code maxWait} for room (a rate limit refilling, a window resetting), then reject. */
  public static OverLimit waitUpTo(Duration maxWait) {
    return new OverLimit(Action.WAIT, maxWait, null);
  }

  /** Send the call to endpoint {@code endpoint} instead, if that one is admitted. */
  public static OverLimit downgradeTo(String endpoint) {
    return new OverLimit(Action.DOWNGRADE, Duration.ZERO, Objects.requireNonNull(endpoint, "endpoint"));
  }
}
