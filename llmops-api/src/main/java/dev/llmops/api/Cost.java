package dev.llmops.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What tokens cost, priced from a catalog: the total and its parts, with the catalog version that
 * priced it. A cost is either known (a total, possibly zero for a free model) or unknown (the
 * model had no price): unknown is never reported as zero. Immutable and thread-safe.
 *
 * <p>The accounting step records the cost of the whole call so far (all attempts: retries,
 * fallbacks and cut streams included) as the call attribute {@link #KEY}, so {@code
 * completion.attribute(Cost.KEY)} is what the application paid for the answer.
 *
 * @param total the total in US dollars, or null when unknown
 * @param input uncached input tokens at the input rate
 * @param cacheRead input tokens read from the prompt cache, at the cache-read rate
 * @param cacheWrite input tokens written to the prompt cache, at the cache-write rate
 * @param output non-reasoning output tokens at the output rate
 * @param reasoning reasoning tokens at the reasoning rate (the output rate when none is set)
 * @param estimated true when the usage it prices was estimated locally
 * @param catalogVersion the version or date of the price catalog used, empty if none
 * @param pricedAs the catalog entry used (for example {@code claude-sonnet-4-5}), empty if none
 */
public record Cost(
    @Nullable Money total,
    Money input,
    Money cacheRead,
    Money cacheWrite,
    Money output,
    Money reasoning,
    boolean estimated,
    String catalogVersion,
    String pricedAs) {

  /** The call attribute with the call's total cost so far. */
  public static final AttributeKey<Cost> KEY = AttributeKey.of("llmops.cost", Cost.class);

  /** Nothing spent, priced by no catalog. */
  public static final Cost ZERO =
      new Cost(Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, false, "", "");

  /** Checks the components. */
  public Cost {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(cacheRead, "cacheRead");
    Objects.requireNonNull(cacheWrite, "cacheWrite");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(reasoning, "reasoning");
    Objects.requireNonNull(catalogVersion, "catalogVersion");
    Objects.requireNonNull(pricedAs, "pricedAs");
  }

  /** An unknown cost: the model had no price in catalog {@code catalogVersion}. */
  public static Cost unknown(boolean estimated, String catalogVersion) {
    return new Cost(null, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, estimated, catalogVersion, "");
  }

  /** True when the total is known. */
  public boolean known() {
    return total != null;
  }

  /** The total, if known. */
  public Optional<Money> amount() {
    return Optional.ofNullable(total);
  }

  /**
   * The sum of two costs: unknown if either is, estimated if either is. The catalog version and
   * entry are this cost's when set, else {@code other}'s.
   */
  public Cost plus(Cost other) {
    Money sum = total == null || other.total == null ? null : total.plus(other.total);
    return new Cost(
        sum,
        input.plus(other.input),
        cacheRead.plus(other.cacheRead),
        cacheWrite.plus(other.cacheWrite),
        output.plus(other.output),
        reasoning.plus(other.reasoning),
        estimated || other.estimated,
        catalogVersion.isEmpty() ? other.catalogVersion : catalogVersion,
        pricedAs.isEmpty() ? other.pricedAs : pricedAs);
  }

  @Override
  public String toString() {
    return "Cost[" + (total == null ? "unknown" : total.toString()) + (estimated ? ", estimated" : "")
        + (pricedAs.isEmpty() ? "" : ", as " + pricedAs)
        + (catalogVersion.isEmpty() ? "" : ", catalog " + catalogVersion) + "]";
  }
}
