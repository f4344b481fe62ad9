package dev.llmops.core.tokens;

/** The documented estimate {@code ceil(UTF-8 bytes / 4)} behind {@link TokenCounter#estimate()}. */
enum EstimateCounter implements TokenCounter {
  INSTANCE;

  @Override
  public long count(String text) {
    return (TokenCounter.upperBound(text) + 3) / 4;
  }

  @Override
  public int[] encode(String text) {
    throw new UnsupportedOperationException("the token estimate has no token ids; use an exact counter");
  }

  @Override
  public boolean exact() {
    return false;
  }

  @Override
  public String encoding() {
    return "estimate";
  }
}
