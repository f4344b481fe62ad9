package dev.llmops.core.pipeline;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallInfo;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Cost;
import dev.llmops.api.Usage;

/**
 * What budgets plug into accounting: a reservation before each attempt, settled with the
 * attempt's real usage and cost after it. The admission step records itself on each call it
 * admits under {@link #KEY}; the accounting step opens every attempt's reservation through the
 * gate it finds there (none: {@link #NONE}) and guarantees that every {@link Settlement} it opens
 * is settled or released exactly once, whatever happens to the call (success, failure, retry,
 * fallback, cancellation). So neither step knows the other. Implementations must be thread-safe.
 */
public interface CostGate {

  /** The call attribute holding the gate the call's attempts reserve through. */
  AttributeKey<CostGate> KEY = AttributeKey.internal("llmops.cost_gate", CostGate.class);

  /** A gate that admits everything and reserves nothing. */
  CostGate NONE = (call, request, endpoint) -> Settlement.NONE;

  /**
   * Reserves for one attempt of {@code call} sending {@code request} to {@code endpoint}.
   *
   * @throws dev.llmops.api.BudgetExceededException when a hard limit leaves no room: the attempt is
   *     not made
   */
  Settlement open(CallInfo call, ChatRequest request, Endpoints.Endpoint endpoint);

  /** The call ended: release anything it still holds. Called once per call; must not throw. */
  default void callEnded(CallInfo call) {}

  /** The reservation of one attempt. Exactly one of its methods is called, once. */
  interface Settlement {

    /** A settlement that holds nothing. */
    Settlement NONE =
        new Settlement() {
          @Override
          public void settle(Usage usage, Cost cost, long costNanos) {}

          @Override
          public void release() {}
        };

    /**
     * The attempt reached the provider: charge the real usage and cost, free the rest. {@code
     * costNanos} is the cost's total in whole nano-dollars, rounded up ({@code 0} when the cost is
     * unknown), so that a gate counting nano-dollars need not convert the decimal.
     */
    void settle(Usage usage, Cost cost, long costNanos);

    /** The attempt never reached a provider: free the whole reservation. */
    void release();

    /**
     * The request to send for this attempt: {@code request} carrying the output cap the
     * reservation paid for ({@code maxOutputTokens} lowered to it, never raised), so that a
     * provider that keeps to its cap cannot spend past the reservation. The default returns {@code
     * request}.
     */
    default ChatRequest bound(ChatRequest request) {
      return request;
    }
  }
}
