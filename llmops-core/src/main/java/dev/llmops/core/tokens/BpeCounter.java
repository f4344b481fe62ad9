package dev.llmops.core.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import org.jspecify.annotations.Nullable;

/**
 * An exact counter backed by a JTokkit encoding. The encoding's tables load on first use (a few
 * tens of milliseconds), not when the class loads. Thread-safe: JTokkit encodings are. Reached only
 * after {@link Jtokkit#require} has passed, so that this module reads JTokkit before any of its
 * types is resolved.
 */
final class BpeCounter implements TokenCounter {
  static final BpeCounter O200K = new BpeCounter("o200k_base");
  static final BpeCounter CL100K = new BpeCounter("cl100k_base");

  private final String name;
  private volatile @Nullable Encoding encoding;

  private BpeCounter(String name) {
    this.name = name;
  }

  @Override
  public long count(String text) {
    // Ordinary text: special-token markers in user text are counted as text, never as control tokens.
    return bpe().countTokensOrdinary(text);
  }

  @Override
  public int[] encode(String text) {
    return bpe().encodeOrdinary(text).toArray();
  }

  @Override
  public boolean exact() {
    return true;
  }

  @Override
  public String encoding() {
    return name;
  }

  private Encoding bpe() {
    Encoding e = encoding;
    if (e == null) {
      e = Registry.INSTANCE.getEncoding(name).orElseThrow(
          () -> new IllegalStateException("JTokkit has no encoding " + name));
      encoding = e;
    }
    return e;
  }

  @Override
  public String toString() {
    return "TokenCounter[" + encoding() + "]";
  }

  /** The lazily loaded registry, shared by all counters. */
  private static final class Registry {
    static final EncodingRegistry INSTANCE = Encodings.newLazyEncodingRegistry();
  }
}
