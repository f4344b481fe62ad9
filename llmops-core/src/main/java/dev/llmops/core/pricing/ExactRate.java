package dev.llmops.core.pricing;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * A per-token rate as an exact {@code long} fraction ({@code unscaled / 10^scale} dollars), so that
 * costs and reservation bounds are computed in integer arithmetic on the hot path instead of with a
 * chain of {@link BigDecimal} products and sums. The results are exactly those of the decimal
 * arithmetic; a rate with more than 18 decimal places, or a product that would overflow, falls back
 * to it. {@link ModelPrice} resolves the forms of its rates once, when it is made. Immutable.
 */
final class ExactRate {
  private static final int MAX_SCALE = 18;
  private static final long[] POW10 = new long[MAX_SCALE + 1];
  private static final ExactRate ZERO = new ExactRate(0, 0);

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
    BigDecimal r = rate.stripTrailingZeros();
    if (r.scale() < 0) {
      r = r.setScale(0);
    }
    if (r.scale() > MAX_SCALE || r.unscaledValue().bitLength() > 62) {
      return null;
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

  /** {@code unscaled / 10^scale} dollars in whole nano-dollars, rounded up. */
  private static long toNanosCeiling(long unscaled, int scale) {
    if (scale <= 9) {
      return Math.multiplyExact(unscaled, POW10[9 - scale]);
    }
    long divisor = POW10[scale - 9];
    long q = unscaled / divisor;
    return q * divisor == unscaled || unscaled < 0 ? q : q + 1;
  }

  /**
   * {@code in * inTokens + out * outTokens} in whole nano-dollars rounded up, or -1 when a rate is
   * null or a product has no {@code long} form.
   */
  static long nanosCeiling(@Nullable ExactRate in, long inTokens, @Nullable ExactRate out, long outTokens) {
    if (in == null || out == null) {
      return -1;
    }
    int s = Math.max(in.scale, out.scale);
    try {
      long sum = Math.addExact(
          rescale(Math.multiplyExact(in.unscaled, inTokens), in.scale, s),
          rescale(Math.multiplyExact(out.unscaled, outTokens), out.scale, s));
      return toNanosCeiling(sum, s);
    } catch (ArithmeticException overflow) {
      return -1;
    }
  }

  /**
   * The exact forms of one {@link Rates}' five rates and their common scale; {@link #fits} is false
   * when one of them has no {@code long} form, and then it prices nothing.
   */
  static final class Forms {
    final boolean fits;
    final ExactRate in;
    final ExactRate cacheRead;
    final ExactRate cacheWrite;
    final ExactRate out;
    final ExactRate reasoning;
    final int scale;

    private Forms(
        boolean fits, ExactRate in, ExactRate cacheRead, ExactRate cacheWrite, ExactRate out, ExactRate reasoning) {
      this.fits = fits;
      this.in = in;
      this.cacheRead = cacheRead;
      this.cacheWrite = cacheWrite;
      this.out = out;
      this.reasoning = reasoning;
      this.scale = Math.max(
          Math.max(in.scale, cacheRead.scale), Math.max(Math.max(cacheWrite.scale, out.scale), reasoning.scale));
    }

    /** The forms of {@code rates}. */
    static Forms of(Rates rates) {
      ExactRate in = ExactRate.of(rates.input());
      ExactRate cacheRead = ExactRate.of(rates.effectiveCacheRead());
      ExactRate cacheWrite = ExactRate.of(rates.effectiveCacheWrite());
      ExactRate out = ExactRate.of(rates.output());
      ExactRate reasoning = ExactRate.of(rates.effectiveReasoning());
      if (in == null || cacheRead == null || cacheWrite == null || out == null || reasoning == null) {
        return new Forms(false, ZERO, ZERO, ZERO, ZERO, ZERO);
      }
      return new Forms(true, in, cacheRead, cacheWrite, out, reasoning);
    }

    /**
     * The cost of {@code usage}, exactly as {@link ModelPrice#cost} defines it, or null when a rate
     * or product has no {@code long} form.
     */
    @Nullable Cost cost(Usage usage, String catalogVersion, String pricedAs) {
      if (!fits) {
        return null;
      }
      try {
        long pIn = Math.multiplyExact(in.unscaled, usage.uncachedInputTokens());
        long pCacheRead = Math.multiplyExact(cacheRead.unscaled, usage.cachedInputTokens());
        long pCacheWrite = Math.multiplyExact(cacheWrite.unscaled, usage.cacheWriteTokens());
        long pOut = Math.multiplyExact(out.unscaled, usage.outputTokens() - usage.reasoningTokens());
        long pReasoning = Math.multiplyExact(reasoning.unscaled, usage.reasoningTokens());
        long total = sum(pIn, pCacheRead, pCacheWrite, pOut, pReasoning);
        return new Cost(
            money(total, scale), money(pIn, in.scale), money(pCacheRead, cacheRead.scale),
            money(pCacheWrite, cacheWrite.scale), money(pOut, out.scale), money(pReasoning, reasoning.scale),
            usage.estimated(), catalogVersion, pricedAs);
      } catch (ArithmeticException overflow) {
        return null;
      }
    }

    /**
     * The total of {@link #cost} in whole nano-dollars rounded up, computed without building it, or
     * -1 when a rate or product has no {@code long} form.
     */
    long costNanosCeiling(Usage usage) {
      if (!fits) {
        return -1;
      }
      try {
        long total = sum(
            Math.multiplyExact(in.unscaled, usage.uncachedInputTokens()),
            Math.multiplyExact(cacheRead.unscaled, usage.cachedInputTokens()),
            Math.multiplyExact(cacheWrite.unscaled, usage.cacheWriteTokens()),
            Math.multiplyExact(out.unscaled, usage.outputTokens() - usage.reasoningTokens()),
            Math.multiplyExact(reasoning.unscaled, usage.reasoningTokens()));
        return toNanosCeiling(total, scale);
      } catch (ArithmeticException overflow) {
        return -1;
      }
    }

    /** The five products, each at its rate's scale, summed at the common scale. */
    private long sum(long pIn, long pCacheRead, long pCacheWrite, long pOut, long pReasoning) {
      int s = scale;
      return Math.addExact(
          Math.addExact(rescale(pIn, in.scale, s), rescale(pCacheRead, cacheRead.scale, s)),
          Math.addExact(
              Math.addExact(rescale(pCacheWrite, cacheWrite.scale, s), rescale(pOut, out.scale, s)),
              rescale(pReasoning, reasoning.scale, s)));
    }
  }
}
