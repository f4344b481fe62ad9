package dev.llmops.core.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import org.jspecify.annotations.Nullable;

/**
 * An exact counter backed by a JTokkit encoding. The encoding's tables load on first use (a few
 * tens of milliseconds), not when the class loads. Thread-safe: JTokkit encodings are.
 */
final class BpeCounter implements TokenCounter {
  static final BpeCounter O200K = new BpeCounter(EncodingType.O200K_BASE);
  static final BpeCounter CL100K = new BpeCounter(EncodingType.CL100K_BASE);

  private final EncodingType type;
  private volatile @Nullable Encoding encoding;

  private BpeCounter(EncodingType type) {
    this.type = type;
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
    return type.getName();
  }

  private Encoding bpe() {
    Encoding e = encoding;
    if (e == null) {
      e = Registry.INSTANCE.getEncoding(type);
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
