package dev.llmops.core.pricing;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import java.math.BigDecimal;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A per-token rate as an exact {@code long} fraction ({@code unscaled / 10^scale} dollars), so that
 * costs and reservation bounds are computed in integer arithmetic on the hot path instead of with a
 * chain of {@link BigDecimal} products and sums. The results are exactly those of the decimal
 * arithmetic; a rate with more than 18 decimal places, or a product that would overflow, falls back
 * to it. Rates are cached by value (at most {@value #MAX_CACHED}); immutable and thread-safe.
 */
final class ExactRate {
  static final int MAX_CACHED = 4096;
  /** Marks a rate that does not fit. */
  private static final ExactRate NONE = new ExactRate(0, 0);
  private static final int MAX_SCALE = 18;
  private static final long[] POW10 = new long[MAX_SCALE + 1];
  private static final ConcurrentHashMap<BigDecimal, ExactRate> CACHE = new ConcurrentHashMap<>();

  static {
    POW10[0] = 1;
    for (int i = 1; i <= MAX_SCALE; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  final long unscaled;
  final int scale;

  private ExactRate(long unscaled, int scale) {
    this.unscaled = unscaled;
    this.scale = scale;
  }

  /** The exact form of {@code rate}, or null when it has no {@code long} form. */
  static @Nullable ExactRate of(BigDecimal rate) {
    ExactRate e = CACHE.get(rate);
    if (e == null) {
      e = compute(rate);
      if (CACHE.size() < MAX_CACHED) {
        CACHE.putIfAbsent(rate, e);
      }
    }
    return e == NONE ? null : e;
  }

  private static ExactRate compute(BigDecimal rate) {
    BigDecimal r = rate.stripTrailingZeros();
    if (r.scale() < 0) {
      r = r.setScale(0);
    }
    if (r.scale() > MAX_SCALE || r.unscaledValue().bitLength() > 62) {
      return NONE;
    }
    return new ExactRate(r.unscaledValue().longValueExact(), r.scale());
  }

  /** {@code unscaled} at {@code from} decimal places moved to {@code to >= from} places. */
  private static long rescale(long unscaled, int from, int to) {
    return Math.multiplyExact(unscaled, POW10[to - from]);
  }

  private static Money money(long unscaled, int scale) {
    return unscaled == 0 ? Money.ZERO : new Money(BigDecimal.valueOf(unscaled, scale));
  }

  /**
   * The cost of {@code usage} at {@code rates}, exactly as {@link ModelPrice#cost} defines it, or
   * null when a rate or product has no {@code long} form.
   */
  static @Nullable Cost cost(Rates rates, Usage usage, String catalogVersion, String pricedAs) {
    ExactRate in = of(rates.input());
    ExactRate cacheRead = of(rates.effectiveCacheRead());
    ExactRate cacheWrite = of(rates.effectiveCacheWrite());
    ExactRate out = of(rates.output());
    ExactRate reasoning = of(rates.effectiveReasoning());
    if (in == null || cacheRead == null || cacheWrite == null || out == null || reasoning == null) {
      return null;
    }
    int s = Math.max(Math.max(in.scale, cacheRead.scale), Math.max(Math.max(cacheWrite.scale, out.scale), reasoning.scale));
    try {
      long pIn = Math.multiplyExact(in.unscaled, usage.uncachedInputTokens());
      long pCacheRead = Math.multiplyExact(cacheRead.unscaled, usage.cachedInputTokens());
      long pCacheWrite = Math.multiplyExact(cacheWrite.unscaled, usage.cacheWriteTokens());
      long pOut = Math.multiplyExact(out.unscaled, usage.outputTokens() - usage.reasoningTokens());
      long pReasoning = Math.multiplyExact(reasoning.unscaled, usage.reasoningTokens());
      long total = Math.addExact(
          Math.addExact(rescale(pIn, in.scale, s), rescale(pCacheRead, cacheRead.scale, s)),
          Math.addExact(
              Math.addExact(rescale(pCacheWrite, cacheWrite.scale, s), rescale(pOut, out.scale, s)),
              rescale(pReasoning, reasoning.scale, s)));
      return new Cost(
          money(total, s), money(pIn, in.scale), money(pCacheRead, cacheRead.scale),
          money(pCacheWrite, cacheWrite.scale), money(pOut, out.scale), money(pReasoning, reasoning.scale),
          usage.estimated(), catalogVersion, pricedAs);
    } catch (ArithmeticException overflow) {
      return null;
    }
  }

  /**
   * {@code inRate * inTokens + outRate * outTokens} in whole nano-dollars rounded up, or -1 when a
   * rate or product has no {@code long} form.
   */
  static long nanosCeiling(BigDecimal inRate, long inTokens, BigDecimal outRate, long outTokens) {
    ExactRate in = of(inRate);
    ExactRate out = of(outRate);
    if (in == null || out == null) {
      return -1;
    }
    int s = Math.max(in.scale, out.scale);
    try {
      long sum = Math.addExact(
          rescale(Math.multiplyExact(in.unscaled, inTokens), in.scale, s),
          rescale(Math.multiplyExact(out.unscaled, outTokens), out.scale, s));
      if (s <= 9) {
        return Math.multiplyExact(sum, POW10[9 - s]);
      }
      long divisor = POW10[s - 9];
      long q = sum / divisor;
      return q * divisor == sum || sum < 0 ? q : q + 1;
    } catch (ArithmeticException overflow) {
      return -1;
    }
  }
}
