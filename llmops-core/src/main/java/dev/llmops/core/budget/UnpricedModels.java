package dev.llmops.core.budget;

import dev.llmops.core.pricing.ModelPrice;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What admission does when a call goes to a model with no price in the catalog (a new model id, a
 * model the catalog does not list) while a hard money budget applies to it: such a call cannot be
 * bounded, so it is never admitted silently. Either it is rejected with a {@link
 * dev.llmops.api.ConfigurationException} naming the endpoint, provider and model ({@link
 * #reject()}, the default), or it is reserved for, and charged to the budget, at a fallback price
 * ({@link #reserveAt}). Calls under soft or token budgets only are admitted either way. Immutable.
 */
public final class UnpricedModels {
  private static final UnpricedModels REJECT = new UnpricedModels(null);

  private final @Nullable ModelPrice fallback;

  private UnpricedModels(@Nullable ModelPrice fallback) {
    this.fallback = fallback;
  }

  /** Rejects an unpriced call under a hard money budget before it is sent (the default). */
  public static UnpricedModels reject() {
    return REJECT;
  }

  /**
   * Reserves for an unpriced call at {@code price}, and charges the budget its usage at that price
   * when it settles. Pick a price at least as high as the dearest model the endpoint could be.
   */
  public static UnpricedModels reserveAt(ModelPrice price) {
    return new UnpricedModels(Objects.requireNonNull(price, "price"));
  }

  /** The fallback price, or null when unpriced calls are rejected. */
  public @Nullable ModelPrice fallbackPrice() {
    return fallback;
  }

  @Override
  public String toString() {
    return fallback == null ? "reject" : "reserveAt(" + fallback.key() + ")";
  }
}
