package dev.llmops.core.budget;

import dev.llmops.api.CallContext;
import dev.llmops.core.pipeline.Capability;
import dev.llmops.core.pipeline.Wiring;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Budgets and rate limits for a client. Turn them on with {@code
 * LlmClient.builder().budgets(Budgets.builder().budget(Budget.money(Scope.TENANT,
 * Money.usd("50"), Window.daily())).build())}.
 *
 * <p>Admission (the {@code ADMISSION} step) reserves a safe upper bound of the attempt's cost on
 * every budget, and takes from every rate limit, before the call goes on; each attempt after the
 * first (a retry, a fallback) reserves again in the accounting step; the accounting step settles
 * each reservation to the attempt's real cost or releases it. So concurrent calls can never
 * together spend past a hard budget, as long as providers keep within the output limit reserved
 * for ({@code maxOutputTokens}, else the catalog's {@code max_output_tokens}, else {@link
 * Builder#defaultMaxOutputTokens}). Under a hard budget that reservation is binding: the request
 * sent carries it as its {@code maxOutputTokens} (lowered, never raised); when the caller set no
 * cap, it is lowered further to what the budgets still have room for (down to {@link
 * Builder#minOutputTokens}) rather than rejecting (a budget that waits or downgrades does that
 * instead); usage past a reservation is charged and published as {@link
 * BudgetEvents.Overshoot}. A call to a model without a price is handled by {@link
 * UnpricedModels} (rejected by default). Shadow calls are counted apart (see {@link Scope}).
 *
 * <p>Immutable and thread-safe.
 */
@SuppressWarnings("exports") // Capability is the client's unexported wiring contract; see Capability
public final class Budgets implements Capability {
  private final List<Budget> budgets;
  private final List<RateLimit> rateLimits;
  private final BudgetStore store;
  private final long defaultMaxOutputTokens;
  private final long minOutputTokens;
  private final UnpricedModels unpricedModels;

  private Budgets(Builder b) {
    this.budgets = List.copyOf(b.budgets);
    this.rateLimits = List.copyOf(b.rateLimits);
    this.store = b.store;
    this.defaultMaxOutputTokens = b.defaultMaxOutputTokens;
    this.minOutputTokens = b.minOutputTokens;
    this.unpricedModels = b.unpricedModels;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The budgets. */
  public List<Budget> budgets() {
    return budgets;
  }

  /** The rate limits. */
  public List<RateLimit> rateLimits() {
    return rateLimits;
  }

  /** The counter store. */
  public BudgetStore store() {
    return store;
  }

  long defaultMaxOutputTokens() {
    return defaultMaxOutputTokens;
  }

  long minOutputTokens() {
    return minOutputTokens;
  }

  /** What admission does with a call to a model without a price under a hard money budget. */
  public UnpricedModels unpricedModels() {
    return unpricedModels;
  }

  /**
   * The counter key of {@code budget} for a call with {@code context} at {@code now}; a rolling
   * budget has one key per scope value (its buckets live under that key).
   */
  public static String counterKey(Budget budget, CallContext context, java.time.Instant now) {
    String window = budget.window().isRolling() ? "rolling" : budget.window().start(now).toString();
    return budget.name() + "|" + budget.scope().key(context) + "|" + window;
  }

  /**
   * The balance of {@code budget} in the window holding {@code now} for calls with {@code
   * context}; for a rolling budget, the sum of the buckets it counts at {@code now}.
   */
  public BudgetStore.Balance balance(Budget budget, CallContext context, java.time.Instant now) {
    String key = counterKey(budget, context, now);
    Window w = budget.window();
    return w.isRolling()
        ? store.balanceRolling(key, w.bucket(now.toEpochMilli()), w.buckets())
        : store.balance(key);
  }

  /**
   * Installs admission and the cost gate into a client being built; {@code LlmClient.Builder}
   * calls it, applications do not.
   */
  @Override
  public void install(Wiring wiring) {
    wiring.interceptor(new BudgetStep(this, wiring.endpoints(), wiring.clock(), wiring.scheduler()));
  }

  /** Builds {@link Budgets}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final List<Budget> budgets = new ArrayList<>();
    private final List<RateLimit> rateLimits = new ArrayList<>();
    private BudgetStore store = BudgetStore.inMemory();
    private long defaultMaxOutputTokens = 4096;
    private long minOutputTokens = 1;
    private UnpricedModels unpricedModels = UnpricedModels.reject();

    private Builder() {}

    /**
     * Adds a budget.
     *
     * @throws IllegalArgumentException if a budget of the same name was added
     */
    public Builder budget(Budget budget) {
      Objects.requireNonNull(budget, "budget");
      for (Budget b : budgets) {
        if (b.name().equals(budget.name())) {
          throw new IllegalArgumentException("a budget named '" + budget.name() + "' was already added; use named()");
        }
      }
      budgets.add(budget);
      return this;
    }

    /** Adds a rate limit. */
    public Builder rateLimit(RateLimit rateLimit) {
      rateLimits.add(Objects.requireNonNull(rateLimit, "rateLimit"));
      return this;
    }

    /** Sets the counter store (default: {@link BudgetStore#inMemory()}). */
    public Builder store(BudgetStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the output tokens reserved for a request that sets no {@code maxOutputTokens} to a model
     * whose catalog entry has no {@code max_output_tokens} (default 4096). Under a hard budget the
     * request is sent with this cap, so that the reservation bounds what it can cost.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder defaultMaxOutputTokens(long tokens) {
      if (tokens < 1) {
        throw new IllegalArgumentException("defaultMaxOutputTokens must be >= 1 but was " + tokens);
      }
      this.defaultMaxOutputTokens = tokens;
      return this;
    }

    /**
     * Sets the fewest output tokens admission lowers the cap of a request that set none to when a
     * hard budget has no room for the default reservation (default 1); below that the call is not
     * admitted (and the budget's {@link OverLimit} action applies).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder minOutputTokens(long tokens) {
      if (tokens < 1) {
        throw new IllegalArgumentException("minOutputTokens must be >= 1 but was " + tokens);
      }
      this.minOutputTokens = tokens;
      return this;
    }

    /**
     * Sets what admission does with a call to a model that has no price while a hard money budget
     * applies (default {@link UnpricedModels#reject()}).
     */
    public Builder unpricedModels(UnpricedModels policy) {
      this.unpricedModels = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Builds the budgets. */
    public Budgets build() {
      return new Budgets(this);
    }
  }
}
