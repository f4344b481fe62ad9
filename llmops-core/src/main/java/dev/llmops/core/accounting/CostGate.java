package dev.llmops.core.accounting;

import dev.llmops.api.CallInfo;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Cost;
import dev.llmops.api.Usage;
import dev.llmops.api.ModelInfo;

/**
 * What budgets plug into accounting: a reservation before each attempt, settled with the
 * attempt's real usage and cost after it. The accounting step guarantees that every {@link
 * Settlement} it opens is settled or released exactly once, whatever happens to the call (success,
 * failure, retry, fallback, cancellation). Implementations must be thread-safe.
 */
public interface CostGate {

  /** A gate that admits everything and reserves nothing. */
  CostGate NONE =
      new CostGate() {
        @Override
        public Settlement open(CallInfo call, ChatRequest request, String endpoint, ModelInfo model) {
          return Settlement.NONE;
        }
      };

  /**
   * Reserves for one attempt of {@code call} sending {@code request} to {@code endpoint}.
   *
   * @throws dev.llmops.api.BudgetExceededException when a hard limit leaves no room: the attempt is
   *     not made
   */
  Settlement open(CallInfo call, ChatRequest request, String endpoint, ModelInfo model);

  /** The call ended: release anything it still holds. Called once per call; must not throw. */
  default void callEnded(CallInfo call) {}

  /** The reservation of one attempt. Exactly one of its methods is called, once. */
  interface Settlement {

    /** A settlement that holds nothing. */
    Settlement NONE =
        new Settlement() {
          @Override
          public void settle(Usage usage, Cost cost) {}

          @Override
          public void release() {}
        };

    /** The attempt reached the provider: charge the real usage and cost, free the rest. */
    void settle(Usage usage, Cost cost);

    /**
     * {@link #settle(Usage, Cost)} with the cost's total already in whole nano-dollars, rounded up
     * ({@code 0} when the cost is unknown), so that a gate counting nano-dollars need not convert
     * the decimal. The accounting step calls this one; the default ignores {@code costNanos}.
     */
    default void settle(Usage usage, Cost cost, long costNanos) {
      settle(usage, cost);
    }

    /** The attempt never reached a provider: free the whole reservation. */
    void release();
  }
}
