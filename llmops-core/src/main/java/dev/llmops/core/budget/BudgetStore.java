package dev.llmops.core.budget;

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

  /** Turns a reservation of {@code reserved} into spending of {@code actual}, atomically. */
  void settle(String key, long reserved, long actual);

  /** Frees a reservation of {@code reserved}. */
  void release(String key, long reserved);

  /** The counter's current spending and reservations (zero for an unknown key). */
  Balance balance(String key);

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
