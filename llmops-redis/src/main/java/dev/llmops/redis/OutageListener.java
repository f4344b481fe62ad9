package dev.llmops.redis;

/**
 * Told when a {@link RedisBudgetStore} finds Redis unavailable and when it answers again.
 * Called on the thread that found out (a caller's, or Lettuce's I/O thread): must be fast and
 * must not throw (what it throws is logged and ignored).
 */
public interface OutageListener {

  /**
   * A reservation met an unavailable store and {@code policy} decided it.
   *
   * @param counterKey the budget counter ({@code name|scope|window})
   * @param policy the policy that decided
   * @param admitted true when the local allowance admitted it
   * @param cause why the store did not answer
   */
  default void unavailable(String counterKey, OutagePolicy policy, boolean admitted, Throwable cause) {}

  /** The store answered again after an outage; local spending is being written back. */
  default void recovered() {}

  /** A listener that does nothing. */
  static OutageListener noop() {
    return new OutageListener() {};
  }
}
