package dev.llmops.core.budget;

import java.time.Instant;

/**
 * Where budget counters live: in memory for one instance ({@link #inMemory()}), or a shared store
 * (Redis) for many. Counters are integers (nano-dollars or tokens) keyed by budget, scope value and
 * window start. Each operation must be atomic on its key, so that concurrent reservations can
 * never together pass a limit. Implementations must be thread-safe.
 */
public interface BudgetStore {

  /**
   * Reserves {@code amount} on {@code key} if {@code spent + reserved + amount <= limit}.
   *
   * @return true when reserved, false when there is no room (nothing changed)
   */
  boolean reserve(String key, long amount, long limit);

  /**
   * {@link #reserve(String, long, long)}, telling the store that the counter is not needed after
   * {@code expiresAt} (the end of its window): a store may forget it then, for example with a key
   * expiry. The client calls this one. The default ignores {@code expiresAt}.
   *
   * @return true when reserved, false when there is no room (nothing changed)
   */
  default boolean reserve(String key, long amount, long limit, Instant expiresAt) {
    return reserve(key, amount, limit);
  }

  /**
   * Turns a reservation of {@code reserved} into spending of {@code actual}, atomically; nothing
   * when the store has already forgotten the counter (its window ended).
   */
  void settle(String key, long reserved, long actual);

  /** Frees a reservation of {@code reserved}. */
  void release(String key, long reserved);

  /** The counter's current spending and reservations (zero for an unknown key). */
  Balance balance(String key);

  /**
   * Reserves {@code amount} in bucket {@code bucket} of the rolling counter {@code key} if the sum
   * of spending and reservations in buckets {@code bucket - buckets} to {@code bucket} (inclusive)
   * plus {@code amount} is at most {@code limit}. Buckets older than that have left the window.
   * Bucket indexes are {@link Window#bucket(long)}. The default throws: a store that supports
   * {@link Window#rolling rolling windows} overrides the four rolling methods.
   *
   * @return true when reserved, false when there is no room (nothing changed)
   * @throws UnsupportedOperationException if this store has no rolling counters
   */
  default boolean reserveRolling(String key, long bucket, int buckets, long amount, long limit) {
    throw new UnsupportedOperationException(getClass().getName() + " does not support rolling budget windows");
  }

  /**
   * {@link #reserveRolling(String, long, int, long, long)}, telling the store that the counter is
   * not needed after {@code expiresAt} unless it is reserved on again (the time at which bucket
   * {@code bucket} leaves the window): a store may forget it then. The client calls this one. The
   * default ignores {@code expiresAt}.
   *
   * @return true when reserved, false when there is no room (nothing changed)
   */
  default boolean reserveRolling(String key, long bucket, int buckets, long amount, long limit, Instant expiresAt) {
    return reserveRolling(key, bucket, buckets, amount, limit);
  }

  /**
   * Forgets the counters whose {@code expiresAt} is at or before {@code now}. The client calls it
   * from time to time (at most once per second of its clock) on the thread of a call being
   * admitted, so it must be quick when nothing has expired. The default does nothing: a store
   * whose keys expire by themselves need not override it.
   */
  default void evictExpired(Instant now) {}

  /**
   * Turns a reservation of {@code reserved} made in bucket {@code bucket} into spending of {@code
   * actual} in that same bucket, atomically; nothing when the bucket has left the window.
   */
  default void settleRolling(String key, long bucket, int buckets, long reserved, long actual) {
    throw new UnsupportedOperationException(getClass().getName() + " does not support rolling budget windows");
  }

  /** Frees a reservation of {@code reserved} made in bucket {@code bucket}; nothing when it has left. */
  default void releaseRolling(String key, long bucket, int buckets, long reserved) {
    throw new UnsupportedOperationException(getClass().getName() + " does not support rolling budget windows");
  }

  /**
   * The rolling counter's spending and reservations in buckets {@code bucket - buckets} to {@code
   * bucket}, oldest first (index 0 is bucket {@code bucket - buckets}); zeros for an unknown key.
   */
  default Balance[] rollingBalances(String key, long bucket, int buckets) {
    throw new UnsupportedOperationException(getClass().getName() + " does not support rolling budget windows");
  }

  /** The sum of {@link #rollingBalances}: the rolling window's balance at {@code bucket}. */
  default Balance balanceRolling(String key, long bucket, int buckets) {
    long spent = 0;
    long reserved = 0;
    for (Balance b : rollingBalances(key, bucket, buckets)) {
      spent += b.spent();
      reserved += b.reserved();
    }
    return new Balance(spent, reserved);
  }

  /** A store in this process's memory that does not serialise calls on one lock. */
  static BudgetStore inMemory() {
    return InMemoryBudgetStore.create();
  }

  /**
   * A counter's state.
   *
   * @param spent settled spending
   * @param reserved reservations not yet settled or released
   */
  record Balance(long spent, long reserved) {
    /** Spending plus reservations: what a new reservation is checked against. */
    public long committed() {
      return spent + reserved;
    }
  }
}
