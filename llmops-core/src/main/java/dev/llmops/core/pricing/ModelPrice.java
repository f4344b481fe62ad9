package dev.llmops.core.pricing;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The price of one model: base rates, higher rates above prompt-size thresholds, or a table of
 * tiers by prompt size, and the model's token limits. Immutable and thread-safe; equal when all
 * its components are.
 *
 * <p>Tiers follow LiteLLM's rules. With thresholds, a request whose prompt tokens (cached and
 * cache-written included) are strictly above a threshold (at or above, for xAI) is billed entirely
 * at that threshold's rates; the largest threshold exceeded wins; a rate the threshold does not
 * set keeps its base value. With a tier table, the one tier whose {@code [min, max)} range holds
 * the prompt tokens prices the whole request.
 *
 * <p>A price resolves the exact integer forms of all its rates once, when it is made, so pricing a
 * call does no decimal arithmetic and looks nothing up.
 */
public final class ModelPrice {
  private final String key;
  private final String provider;
  private final Rates rates;
  private final List<Threshold> thresholds;
  private final List<Tier> tiers;
  private final boolean thresholdInclusive;
  private final long maxInputTokens;
  private final long maxOutputTokens;
  // Resolved once: the rates a request can be billed at (the tiers', or the base and thresholds'),
  // their exact forms in the same order, and the highest rates any token can cost.
  private final List<Rates> choices;
  private final List<ExactRate.Forms> forms;
  private final BigDecimal maxInputRate;
  private final BigDecimal maxOutputRate;
  private final @Nullable ExactRate maxInput;
  private final @Nullable ExactRate maxOutput;

  /**
   * A price; copies and sorts the lists.
   *
   * @param key the catalog key (for example {@code claude-sonnet-4-5})
   * @param provider the provider ({@code litellm_provider}), or empty
   * @param rates the base rates
   * @param thresholds rates above prompt-size thresholds, in any order
   * @param tiers rates by prompt-size range, in any order; empty when the model has none
   * @param thresholdInclusive true when a threshold applies at exactly its token count (xAI)
   * @param maxInputTokens the context window, or 0 when unknown
   * @param maxOutputTokens the most output tokens one response can have, or 0 when unknown
   * @throws IllegalArgumentException if a token limit is negative
   */
  public ModelPrice(
      String key,
      String provider,
      Rates rates,
      List<Threshold> thresholds,
      List<Tier> tiers,
      boolean thresholdInclusive,
      long maxInputTokens,
      long maxOutputTokens) {
    this.key = Objects.requireNonNull(key, "key");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.rates = Objects.requireNonNull(rates, "rates");
    List<Threshold> t = new ArrayList<>(thresholds);
    t.sort(Comparator.comparingLong(Threshold::aboveTokens));
    this.thresholds = List.copyOf(t);
    List<Tier> r = new ArrayList<>(tiers);
    r.sort(Comparator.comparingLong(Tier::minTokens));
    this.tiers = List.copyOf(r);
    if (maxInputTokens < 0 || maxOutputTokens < 0) {
      throw new IllegalArgumentException("token limits of '" + key + "' must be >= 0");
    }
    this.thresholdInclusive = thresholdInclusive;
    this.maxInputTokens = maxInputTokens;
    this.maxOutputTokens = maxOutputTokens;
    List<Rates> c = new ArrayList<>();
    if (this.tiers.isEmpty()) {
      c.add(rates);
      this.thresholds.forEach(threshold -> c.add(threshold.rates()));
    } else {
      this.tiers.forEach(tier -> c.add(tier.rates()));
    }
    this.choices = List.copyOf(c);
    this.forms = choices.stream().map(ExactRate.Forms::of).toList();
    BigDecimal in = rates.maxInput();
    BigDecimal out = rates.maxOutput();
    for (Threshold threshold : this.thresholds) {
      in = in.max(threshold.rates().maxInput());
      out = out.max(threshold.rates().maxOutput());
    }
    for (Tier tier : this.tiers) {
      in = in.max(tier.rates().maxInput());
      out = out.max(tier.rates().maxOutput());
    }
    this.maxInputRate = in;
    this.maxOutputRate = out;
    this.maxInput = ExactRate.of(in);
    this.maxOutput = ExactRate.of(out);
  }

  /** A model with flat rates and unknown limits; for overrides such as negotiated prices. */
  public static ModelPrice of(String key, Rates rates) {
    return new ModelPrice(key, "", rates, List.of(), List.of(), false, 0, 0);
  }

  /** This price with the model's maximum output tokens, which budgets reserve against. */
  public ModelPrice withMaxOutputTokens(long maxOutputTokens) {
    return new ModelPrice(key, provider, rates, thresholds, tiers, thresholdInclusive, maxInputTokens, maxOutputTokens);
  }

  /** This price with one more threshold: above {@code aboveTokens} prompt tokens, {@code rates}. */
  public ModelPrice withThreshold(long aboveTokens, Rates rates) {
    List<Threshold> t = new ArrayList<>(thresholds);
    t.add(new Threshold(aboveTokens, rates));
    return new ModelPrice(key, provider, this.rates, t, tiers, thresholdInclusive, maxInputTokens, maxOutputTokens);
  }

  /** The rates that bill a request with {@code promptTokens} input tokens (cache included). */
  public Rates ratesFor(long promptTokens) {
    return choices.get(choice(promptTokens));
  }

  /** The index in {@code choices} of the rates that bill a request of {@code promptTokens}. */
  private int choice(long promptTokens) {
    int chosen = 0;
    if (!tiers.isEmpty()) {
      for (int i = 1; i < tiers.size(); i++) {
        if (promptTokens >= tiers.get(i).minTokens()) {
          chosen = i;
        }
      }
      return chosen;
    }
    for (int i = 0; i < thresholds.size(); i++) {
      long n = thresholds.get(i).aboveTokens();
      if (thresholdInclusive ? promptTokens >= n : promptTokens > n) {
        chosen = i + 1;
      }
    }
    return chosen;
  }

  /**
   * The exact cost of {@code usage}: each token priced once, uncached input at the input rate,
   * cached at the cache-read rate, written at the cache-write rate, reasoning at the reasoning
   * rate, the rest of the output at the output rate.
   *
   * @param catalogVersion recorded on the cost
   */
  public Cost cost(Usage usage, String catalogVersion) {
    int choice = choice(usage.inputTokens());
    Cost exact = forms.get(choice).cost(usage, catalogVersion, key);
    return exact != null ? exact : decimalCost(choices.get(choice), usage, catalogVersion);
  }

  /** {@link #cost} in {@link BigDecimal} arithmetic, for rates or products too large for a {@code long}. */
  private Cost decimalCost(Rates r, Usage usage, String catalogVersion) {
    Money input = times(r.input(), usage.uncachedInputTokens());
    Money cacheRead = times(r.effectiveCacheRead(), usage.cachedInputTokens());
    Money cacheWrite = times(r.effectiveCacheWrite(), usage.cacheWriteTokens());
    Money output = times(r.output(), usage.outputTokens() - usage.reasoningTokens());
    Money reasoning = times(r.effectiveReasoning(), usage.reasoningTokens());
    Money total = input.plus(cacheRead).plus(cacheWrite).plus(output).plus(reasoning);
    return new Cost(total, input, cacheRead, cacheWrite, output, reasoning, usage.estimated(), catalogVersion, key);
  }

  /**
   * The total of {@link #cost} in whole nano-dollars, rounded up: what a budget settles. Computed in
   * integer arithmetic without building the cost; equal to {@code
   * cost(usage, "").total().toNanosCeiling()}.
   *
   * @throws ArithmeticException if it does not fit a {@code long}
   */
  public long costNanosCeiling(Usage usage) {
    long nanos = forms.get(choice(usage.inputTokens())).costNanosCeiling(usage);
    return nanos >= 0 ? nanos : Objects.requireNonNull(cost(usage, "").total()).toNanosCeiling();
  }

  /**
   * A safe upper bound on the cost of a request with at most {@code inputTokens} input and {@code
   * outputTokens} output tokens: every token at the highest rate of its kind in any tier.
   */
  public Money upperBound(long inputTokens, long outputTokens) {
    return times(maxInputRate, inputTokens).plus(times(maxOutputRate, outputTokens));
  }

  /**
   * {@link #upperBound} in whole nano-dollars, rounded up: what a budget reserves. Computed in
   * integer arithmetic; equal to {@code upperBound(inputTokens, outputTokens).toNanosCeiling()}.
   *
   * @throws ArithmeticException if it does not fit a {@code long}
   */
  public long upperBoundNanos(long inputTokens, long outputTokens) {
    long nanos = ExactRate.nanosCeiling(maxInput, inputTokens, maxOutput, outputTokens);
    return nanos >= 0 ? nanos : upperBound(inputTokens, outputTokens).toNanosCeiling();
  }

  /**
   * The most output tokens, at most {@code maxOutputTokens}, whose {@link #upperBoundNanos upper
   * bound} beside {@code inputTokens} is within {@code roomNanos}; -1 when not even the input fits.
   * What a budget (or an agent run's money limit) lowers a call's output cap to.
   */
  public long fittingOutputTokens(long inputTokens, long maxOutputTokens, long roomNanos) {
    if (upperBoundNanos(inputTokens, 0) > roomNanos) {
      return -1;
    }
    long lo = 0; // fits
    long hi = maxOutputTokens; // may not fit
    while (lo < hi) {
      long mid = lo + (hi - lo + 1) / 2;
      if (upperBoundNanos(inputTokens, mid) <= roomNanos) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The catalog key (for example {@code claude-sonnet-4-5}). */
  public String key() {
    return key;
  }

  /** The provider ({@code litellm_provider}), or empty. */
  public String provider() {
    return provider;
  }

  /** The base rates. */
  public Rates rates() {
    return rates;
  }

  /** Rates above prompt-size thresholds, ascending by threshold. */
  public List<Threshold> thresholds() {
    return thresholds;
  }

  /** Rates by prompt-size range, ascending; empty when the model has none. */
  public List<Tier> tiers() {
    return tiers;
  }

  /** True when a threshold applies at exactly its token count (xAI). */
  public boolean thresholdInclusive() {
    return thresholdInclusive;
  }

  /** The context window, or 0 when unknown. */
  public long maxInputTokens() {
    return maxInputTokens;
  }

  /** The most output tokens one response can have, or 0 when unknown. */
  public long maxOutputTokens() {
    return maxOutputTokens;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (o == this) {
      return true;
    }
    return o instanceof ModelPrice p
        && key.equals(p.key)
        && provider.equals(p.provider)
        && rates.equals(p.rates)
        && thresholds.equals(p.thresholds)
        && tiers.equals(p.tiers)
        && thresholdInclusive == p.thresholdInclusive
        && maxInputTokens == p.maxInputTokens
        && maxOutputTokens == p.maxOutputTokens;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, provider, rates, thresholds, tiers, thresholdInclusive, maxInputTokens, maxOutputTokens);
  }

  @Override
  public String toString() {
    return "ModelPrice[key=" + key + ", provider=" + provider + ", rates=" + rates + ", thresholds=" + thresholds
        + ", tiers=" + tiers + ", thresholdInclusive=" + thresholdInclusive + ", maxInputTokens=" + maxInputTokens
        + ", maxOutputTokens=" + maxOutputTokens + "]";
  }

  private static Money times(BigDecimal rate, long tokens) {
    return tokens == 0 ? Money.ZERO : new Money(rate.multiply(BigDecimal.valueOf(tokens)));
  }

  /**
   * Rates that bill a whole request whose prompt is above a threshold.
   *
   * @param aboveTokens the threshold in prompt tokens
   * @param rates the complete rates above it
   */
  public record Threshold(long aboveTokens, Rates rates) {
    /** Checks the components. */
    public Threshold {
      if (aboveTokens < 0) {
        throw new IllegalArgumentException("threshold must be >= 0 but was " + aboveTokens);
      }
      Objects.requireNonNull(rates, "rates");
    }
  }

  /**
   * Rates for prompts of {@code [minTokens, maxTokens)} input tokens.
   *
   * @param minTokens the smallest prompt this tier prices
   * @param maxTokens the prompt size where the next tier starts
   * @param rates the complete rates of the tier
   */
  public record Tier(long minTokens, long maxTokens, Rates rates) {
    /** Checks the components. */
    public Tier {
      if (minTokens < 0 || maxTokens < minTokens) {
        throw new IllegalArgumentException("tier range must be 0 <= min <= max but was [" + minTokens + ", " + maxTokens + ")");
      }
      Objects.requireNonNull(rates, "rates");
    }
  }
}
