package dev.llmops.core.budget;

import java.util.Objects;

/**
 * A requests-per-minute or tokens-per-minute limit per scope, enforced with a token bucket that
 * allows a burst of one minute's worth. Tokens are charged at admission on the prompt's safe upper
 * bound and corrected to the real usage when the attempt settles. Immutable.
 *
 * @param scope what the limit is counted per
 * @param unit requests or tokens
 * @param perMinute the limit per minute, {@code >= 1}
 * @param onExceeded what admission does when the bucket is empty
 */
public record RateLimit(Scope scope, Unit unit, long perMinute, OverLimit onExceeded) {

  /** What a rate limit counts. */
  public enum Unit {
    /** Attempts sent. */
    REQUESTS,
    /** Input plus output tokens. */
    TOKENS
  }

  /** Checks the components. */
  public RateLimit {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(onExceeded, "onExceeded");
    if (perMinute < 1) {
      throw new IllegalArgumentException("rate limit must be >= 1 per minute but was " + perMinute);
    }
  }

  /** At most {@code perMinute} requests per minute per scope; rejects when exceeded. */
  public static RateLimit requestsPerMinute(Scope scope, long perMinute) {
    return new RateLimit(scope, Unit.REQUESTS, perMinute, OverLimit.reject());
  }

  /** At most {@code perMinute} tokens per minute per scope; rejects when exceeded. */
  public static RateLimit tokensPerMinute(Scope scope, long perMinute) {
    return new RateLimit(scope, Unit.TOKENS, perMinute, OverLimit.reject());
  }

  /** This limit with another action when exceeded. */
  public RateLimit onExceeded(OverLimit action) {
    return new RateLimit(scope, unit, perMinute, action);
  }

  /** The limit in words, for example {@code 60 requests per minute}. */
  public String describe() {
    return perMinute + (unit == Unit.REQUESTS ? " requests" : " tokens") + " per minute";
  }
}
