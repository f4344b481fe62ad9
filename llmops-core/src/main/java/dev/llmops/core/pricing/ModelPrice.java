package dev.llmops.core.pricing;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The price of one model: base rates, higher rates above prompt-size thresholds, or a table of
 * tiers by prompt size, and the model's token limits. Immutable and thread-safe.
 *
 * <p>Tiers follow LiteLLM's rules. With thresholds, a request whose prompt tokens (cached and
 * cache-written included) are strictly above a threshold (at or above, for xAI) is billed entirely
 * at that threshold's rates; the largest threshold exceeded wins; a rate the threshold does not
 * set keeps its base value. With a tier table, the one tier whose {@code [min, max)} range holds
 * the prompt tokens prices the whole request.
 *
 * @param key the catalog key (for example {@code claude-sonnet-4-5})
 * @param provider the provider ({@code litellm_provider}), or empty
 * @param rates the base rates
 * @param thresholds rates above prompt-size thresholds, ascending by threshold
 * @param tiers rates by prompt-size range, ascending; empty when the model has none
 * @param thresholdInclusive true when a threshold applies at exactly its token count (xAI)
 * @param maxInputTokens the context window, or 0 when unknown
 * @param maxOutputTokens the most output tokens one response can have, or 0 when unknown
 */
public record ModelPrice(
    String key,
    String provider,
    Rates rates,
    List<Threshold> thresholds,
    List<Tier> tiers,
    boolean thresholdInclusive,
    long maxInputTokens,
    long maxOutputTokens) {

  /** Checks the components, copies and sorts the lists. */
  public ModelPrice {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(rates, "rates");
    List<Threshold> t = new ArrayList<>(thresholds);
    t.sort(Comparator.comparingLong(Threshold::aboveTokens));
    thresholds = List.copyOf(t);
    List<Tier> r = new ArrayList<>(tiers);
    r.sort(Comparator.comparingLong(Tier::minTokens));
    tiers = List.copyOf(r);
    if (maxInputTokens < 0 || maxOutputTokens < 0) {
      throw new IllegalArgumentException("token limits of '" + key + "' must be >= 0");
    }
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
    if (!tiers.isEmpty()) {
      Tier chosen = tiers.get(0);
      for (Tier tier : tiers) {
        if (promptTokens >= tier.minTokens()) {
          chosen = tier;
        }
      }
      return chosen.rates();
    }
    Rates chosen = rates;
    for (Threshold threshold : thresholds) {
      long n = threshold.aboveTokens();
      if (thresholdInclusive ? promptTokens >= n : promptTokens > n) {
        chosen = threshold.rates();
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
    Rates r = ratesFor(usage.inputTokens());
    Cost exact = ExactRate.cost(r, usage, catalogVersion, key);
    if (exact != null) {
      return exact;
    }
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
    long nanos = ExactRate.costNanosCeiling(ratesFor(usage.inputTokens()), usage);
    return nanos >= 0 ? nanos : Objects.requireNonNull(cost(usage, "").total()).toNanosCeiling();
  }

  /**
   * A safe upper bound on the cost of a request with at most {@code inputTokens} input and {@code
   * outputTokens} output tokens: every token at the highest rate of its kind in any tier.
   */
  public Money upperBound(long inputTokens, long outputTokens) {
    return times(maxInputRate(), inputTokens).plus(times(maxOutputRate(), outputTokens));
  }

  /**
   * {@link #upperBound} in whole nano-dollars, rounded up: what a budget reserves. Computed in
   * integer arithmetic; equal to {@code upperBound(inputTokens, outputTokens).toNanosCeiling()}.
   *
   * @throws ArithmeticException if it does not fit a {@code long}
   */
  public long upperBoundNanos(long inputTokens, long outputTokens) {
    BigDecimal in = maxInputRate();
    BigDecimal out = maxOutputRate();
    long nanos = ExactRate.nanosCeiling(in, inputTokens, out, outputTokens);
    return nanos >= 0 ? nanos : times(in, inputTokens).plus(times(out, outputTokens)).toNanosCeiling();
  }

  private BigDecimal maxInputRate() {
    BigDecimal in = rates.maxInput();
    for (Threshold t : thresholds) {
      in = in.max(t.rates().maxInput());
    }
    for (Tier t : tiers) {
      in = in.max(t.rates().maxInput());
    }
    return in;
  }

  private BigDecimal maxOutputRate() {
    BigDecimal out = rates.maxOutput();
    for (Threshold t : thresholds) {
      out = out.max(t.rates().maxOutput());
    }
    for (Tier t : tiers) {
      out = out.max(t.rates().maxOutput());
    }
    return out;
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
