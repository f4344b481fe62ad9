package dev.llmops.core.pricing;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.api.internal.IdentityMemo;
import java.math.BigDecimal;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A per-token rate as an exact {@code long} fraction ({@code unscaled / 10^scale} dollars), so that
 * costs and reservation bounds are computed in integer arithmetic on the hot path instead of with a
 * chain of {@link BigDecimal} products and sums. The results are exactly those of the decimal
 * arithmetic; a rate with more than 18 decimal places, or a product that would overflow, falls back
 * to it. Rates are cached by value (at most {@value #MAX_CACHED}), and the last few looked up also
 * by identity; immutable and thread-safe.
 */
final class ExactRate {
  static final int MAX_CACHED = 4096;
  /** Marks a rate that does not fit. */
  private static final ExactRate NONE = new ExactRate(0, 0);
  private static final int MAX_SCALE = 18;
  private static final long[] POW10 = new long[MAX_SCALE + 1];
  private static final ConcurrentHashMap<BigDecimal, ExactRate> CACHE = new ConcurrentHashMap<>();
  /** Marks rates of which one does not fit. */
  private static final Forms NO_FORMS = new Forms(NONE, NONE, NONE, NONE, NONE);
  private static final ConcurrentHashMap<Rates, Forms> FORMS = new ConcurrentHashMap<>();
  /**
   * The last rates and rate values looked up, by identity (rates and decimals are immutable): a
   * call prices the same catalog entry's instances at admission, at settlement and for its cost,
   * so most lookups end here without hashing a record of decimals; a miss goes to the maps above.
   */
  private static final IdentityMemo<Forms> RECENT_FORMS = IdentityMemo.of(8);
  private static final IdentityMemo<ExactRate> RECENT_RATES = IdentityMemo.of(8);

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
    ExactRate e = RECENT_RATES.get(rate);
    if (e == null) {
      e = CACHE.get(rate);
      if (e == null) {
        e = compute(rate);
        if (CACHE.size() < MAX_CACHED) {
          CACHE.putIfAbsent(rate, e);
        }
      }
      RECENT_RATES.put(rate, e);
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

  /** The exact forms of the five rates of {@code rates} (one lookup), or null when one has none. */
  private static @Nullable Forms forms(Rates rates) {
    Forms recent = RECENT_FORMS.get(rates);
    if (recent != null) {
      return recent == NO_FORMS ? null : recent;
    }
    Forms f = FORMS.get(rates);
    if (f == null) {
      ExactRate in = of(rates.input());
      ExactRate cacheRead = of(rates.effectiveCacheRead());
      ExactRate cacheWrite = of(rates.effectiveCacheWrite());
      ExactRate out = of(rates.output());
      ExactRate reasoning = of(rates.effectiveReasoning());
      f = in == null || cacheRead == null || cacheWrite == null || out == null || reasoning == null
          ? NO_FORMS : new Forms(in, cacheRead, cacheWrite, out, reasoning);
      if (FORMS.size() < MAX_CACHED) {
        FORMS.putIfAbsent(rates, f);
      }
    }
    RECENT_FORMS.put(rates, f);
    return f == NO_FORMS ? null : f;
  }

  /**
   * The cost of {@code usage} at {@code rates}, exactly as {@link ModelPrice#cost} defines it, or
   * null when a rate or product has no {@code long} form.
   */
  static @Nullable Cost cost(Rates rates, Usage usage, String catalogVersion, String pricedAs) {
    Forms f = forms(rates);
    if (f == null) {
      return null;
    }
    ExactRate in = f.in;
    ExactRate cacheRead = f.cacheRead;
    ExactRate cacheWrite = f.cacheWrite;
    ExactRate out = f.out;
    ExactRate reasoning = f.reasoning;
    int s = f.scale;
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
   * The total of {@link #cost} in whole nano-dollars rounded up, computed without building it, or
   * -1 when a rate or product has no {@code long} form.
   */
  static long costNanosCeiling(Rates rates, Usage usage) {
    Forms f = forms(rates);
    if (f == null) {
      return -1;
    }
    int s = f.scale;
    try {
      long total = Math.addExact(
          Math.addExact(
              rescale(Math.multiplyExact(f.in.unscaled, usage.uncachedInputTokens()), f.in.scale, s),
              rescale(Math.multiplyExact(f.cacheRead.unscaled, usage.cachedInputTokens()), f.cacheRead.scale, s)),
          Math.addExact(
              Math.addExact(
                  rescale(Math.multiplyExact(f.cacheWrite.unscaled, usage.cacheWriteTokens()), f.cacheWrite.scale, s),
                  rescale(Math.multiplyExact(f.out.unscaled, usage.outputTokens() - usage.reasoningTokens()),
                      f.out.scale, s)),
              rescale(Math.multiplyExact(f.reasoning.unscaled, usage.reasoningTokens()), f.reasoning.scale, s)));
      return toNanosCeiling(total, s);
    } catch (ArithmeticException overflow) {
      return -1;
    }
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
      return toNanosCeiling(sum, s);
    } catch (ArithmeticException overflow) {
      return -1;
    }
  }

  /** The exact forms of one {@link Rates}' five rates and their common scale. */
  private static final class Forms {
    final ExactRate in;
    final ExactRate cacheRead;
    final ExactRate cacheWrite;
    final ExactRate out;
    final ExactRate reasoning;
    final int scale;

    Forms(ExactRate in, ExactRate cacheRead, ExactRate cacheWrite, ExactRate out, ExactRate reasoning) {
      this.in = in;
      this.cacheRead = cacheRead;
      this.cacheWrite = cacheWrite;
      this.out = out;
      this.reasoning = reasoning;
      this.scale = Math.max(Math.max(in.scale, cacheRead.scale), Math.max(Math.max(cacheWrite.scale, out.scale), reasoning.scale));
    }
  }
}
