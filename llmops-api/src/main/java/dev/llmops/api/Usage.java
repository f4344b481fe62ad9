package dev.llmops.api;

/**
 * Token usage of one model response, normalised so that every provider means the same thing.
 *
 * <p>The one definition used everywhere in llmops:
 *
 * <ul>
 *   <li>{@code inputTokens} is <b>all</b> input tokens the provider processed, <b>including</b>
 *       the cached ones ({@code cachedInputTokens}, read from a prompt cache) and the ones written
 *       to a cache ({@code cacheWriteTokens}). OpenAI already reports it so ({@code prompt_tokens}
 *       contains {@code cached_tokens}); Anthropic reports the three apart, so its adapter adds
 *       {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}.
 *   <li>{@code outputTokens} is all output tokens, <b>including</b> {@code reasoningTokens}.
 * </ul>
 *
 * <p>So the uncached, unwritten input is {@link #uncachedInputTokens()}, and a price is applied
 * once per token: uncached input at the input rate, cached at the cache-read rate, written at the
 * cache-write rate. Counting cached tokens both inside and beside the input is how gateways bill
 * them twice; this type makes that impossible by construction ({@code inputTokens} must be at
 * least {@code cachedInputTokens + cacheWriteTokens}).
 *
 * @param inputTokens all input tokens, cached and cache-written included; {@code >= 0}
 * @param outputTokens all output tokens, reasoning included; {@code >= 0}
 * @param cachedInputTokens input tokens read from the provider's prompt cache; part of input
 * @param cacheWriteTokens input tokens written to the provider's prompt cache; part of input
 * @param reasoningTokens output tokens spent on hidden reasoning; part of output
 * @param estimated true when the counts were estimated locally rather than reported by the provider
 */
public record Usage(
    long inputTokens,
    long outputTokens,
    long cachedInputTokens,
    long cacheWriteTokens,
    long reasoningTokens,
    boolean estimated) {

  /** No tokens. */
  public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, false);

  /** Checks the ranges and the sub-count rules of the class comment. */
  public Usage {
    requireNonNegative(inputTokens, "inputTokens");
    requireNonNegative(outputTokens, "outputTokens");
    requireNonNegative(cachedInputTokens, "cachedInputTokens");
    requireNonNegative(cacheWriteTokens, "cacheWriteTokens");
    requireNonNegative(reasoningTokens, "reasoningTokens");
    if (cachedInputTokens + cacheWriteTokens > inputTokens) {
      throw new IllegalArgumentException(
          "cachedInputTokens + cacheWriteTokens (" + (cachedInputTokens + cacheWriteTokens)
              + ") must not exceed inputTokens (" + inputTokens + "): input includes them");
    }
    if (reasoningTokens > outputTokens) {
      throw new IllegalArgumentException(
          "reasoningTokens (" + reasoningTokens + ") must not exceed outputTokens ("
              + outputTokens + "): output includes them");
    }
  }

  /** Provider-reported usage with only input and output counts. */
  public static Usage of(long inputTokens, long outputTokens) {
    return new Usage(inputTokens, outputTokens, 0, 0, 0, false);
  }

  /** Input tokens neither read from nor written to a prompt cache. */
  public long uncachedInputTokens() {
    return inputTokens - cachedInputTokens - cacheWriteTokens;
  }

  /** Input plus output tokens. */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /** The sum of two usages; estimated if either is. */
  public Usage plus(Usage other) {
    return new Usage(
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        cachedInputTokens + other.cachedInputTokens,
        cacheWriteTokens + other.cacheWriteTokens,
        reasoningTokens + other.reasoningTokens,
        estimated || other.estimated);
  }

  /** This usage, marked as a local estimate. */
  public Usage asEstimate() {
    return estimated
        ? this
        : new Usage(inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens, true);
  }

  private static void requireNonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
    }
  }
}
