package dev.llmops.core.pricing;

import java.math.BigDecimal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Per-token rates in US dollars, exact. A null optional rate means "not set": cache reads and
 * writes then cost the input rate, reasoning the output rate. Immutable.
 *
 * @param input per uncached input token
 * @param output per output token
 * @param cacheRead per input token read from the prompt cache, or null
 * @param cacheWrite per input token written to the prompt cache (default TTL), or null
 * @param reasoning per reasoning token, or null
 */
public record Rates(
    BigDecimal input,
    BigDecimal output,
    @Nullable BigDecimal cacheRead,
    @Nullable BigDecimal cacheWrite,
    @Nullable BigDecimal reasoning) {

  /** Checks that every rate is present where required and not negative. */
  public Rates {
    requireNonNegative(Objects.requireNonNull(input, "input"), "input");
    requireNonNegative(Objects.requireNonNull(output, "output"), "output");
    requireNonNegative(cacheRead, "cacheRead");
    requireNonNegative(cacheWrite, "cacheWrite");
    requireNonNegative(reasoning, "reasoning");
  }

  /**
   * Rates from prices per million tokens written as decimal text, as providers publish them: {@code
   * Rates.perMillion("2.50", "10.00")} is 2.5e-06 and 1e-05 per token.
   */
  public static Rates perMillion(String inputPerMillion, String outputPerMillion) {
    return new Rates(perToken(inputPerMillion), perToken(outputPerMillion), null, null, null);
  }

  /** These rates with a cache-read rate given per million tokens. */
  public Rates withCacheReadPerMillion(String perMillion) {
    return new Rates(input, output, perToken(perMillion), cacheWrite, reasoning);
  }

  /** These rates with a cache-write rate given per million tokens. */
  public Rates withCacheWritePerMillion(String perMillion) {
    return new Rates(input, output, cacheRead, perToken(perMillion), reasoning);
  }

  /** These rates with a reasoning rate given per million tokens. */
  public Rates withReasoningPerMillion(String perMillion) {
    return new Rates(input, output, cacheRead, cacheWrite, perToken(perMillion));
  }

  /** The rate of a cached input token. */
  public BigDecimal effectiveCacheRead() {
    return cacheRead != null ? cacheRead : input;
  }

  /** The rate of an input token written to the cache. */
  public BigDecimal effectiveCacheWrite() {
    return cacheWrite != null ? cacheWrite : input;
  }

  /** The rate of a reasoning token. */
  public BigDecimal effectiveReasoning() {
    return reasoning != null ? reasoning : output;
  }

  /** The highest rate any input token can cost (uncached, cache read or cache write). */
  BigDecimal maxInput() {
    return input.max(effectiveCacheRead()).max(effectiveCacheWrite());
  }

  /** The highest rate any output token can cost (plain or reasoning). */
  BigDecimal maxOutput() {
    return output.max(effectiveReasoning());
  }

  /** These rates with each rate {@code over} sets replacing this one's; for tiers. */
  Rates overriddenBy(PartialRates over) {
    return new Rates(
        first(over.input(), input),
        first(over.output(), output),
        firstOrNull(over.cacheRead(), cacheRead),
        firstOrNull(over.cacheWrite(), cacheWrite),
        firstOrNull(over.reasoning(), reasoning));
  }

  private static BigDecimal first(@Nullable BigDecimal preferred, BigDecimal fallback) {
    return preferred != null ? preferred : fallback;
  }

  private static @Nullable BigDecimal firstOrNull(@Nullable BigDecimal preferred, @Nullable BigDecimal fallback) {
    return preferred != null ? preferred : fallback;
  }

  private static BigDecimal perToken(String perMillion) {
    Objects.requireNonNull(perMillion, "perMillion");
    return new BigDecimal(perMillion).movePointLeft(6);
  }

  private static void requireNonNegative(@Nullable BigDecimal rate, String name) {
    if (rate != null && rate.signum() < 0) {
      throw new IllegalArgumentException(name + " rate must be >= 0 but was " + rate.toPlainString());
    }
  }

  /** Rates of which any may be missing: a tier that changes only some prices. */
  record PartialRates(
      @Nullable BigDecimal input,
      @Nullable BigDecimal output,
      @Nullable BigDecimal cacheRead,
      @Nullable BigDecimal cacheWrite,
      @Nullable BigDecimal reasoning) {}
}
