package dev.llmops.core.experiment;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Map;
import java.util.Objects;

/**
 * Where sticky bucket assignments are kept, so that a subject keeps its variant when weights
 * change (GrowthBook's sticky bucketing). A document is keyed by an attribute and its value (for
 * example {@code subject} and {@code u-42}) and maps {@code "<experimentKey>__<bucketVersion>"} to
 * the variant key, exactly as GrowthBook's SDKs store it, so documents can be shared with them.
 *
 * <p>Implementations must be thread-safe. {@link #save} replaces the whole document; two calls of
 * the same subject racing to save may lose one experiment's entry, which only means that entry is
 * hashed again next time. Reads and writes run on the call path: keep them fast (an in-memory map,
 * or a cache in front of a shared store).
 */
public interface StickyBucketStore {

  /** A store that remembers nothing: sticky bucketing is off. */
  static StickyBucketStore noop() {
    return NoStickyBuckets.INSTANCE;
  }

  /**
   * A store in memory holding at most {@code maxDocuments} documents (one per attribute value),
   * the least recently used evicted first.
   *
   * @throws IllegalArgumentException if {@code maxDocuments < 1}
   */
  static StickyBucketStore inMemory(long maxDocuments) {
    if (maxDocuments < 1) {
      throw new IllegalArgumentException("maxDocuments must be >= 1 but was " + maxDocuments);
    }
    Cache<String, Map<String, String>> docs = Caffeine.newBuilder().maximumSize(maxDocuments).build();
    return new StickyBucketStore() {
      @Override
      public Map<String, String> assignments(String attributeName, String attributeValue) {
        Map<String, String> doc = docs.getIfPresent(key(attributeName, attributeValue));
        return doc == null ? Map.of() : doc;
      }

      @Override
      public void save(String attributeName, String attributeValue, Map<String, String> assignments) {
        docs.put(key(attributeName, attributeValue), Map.copyOf(assignments));
      }

      private String key(String attributeName, String attributeValue) {
        return Objects.requireNonNull(attributeName, "attributeName") + "||"
            + Objects.requireNonNull(attributeValue, "attributeValue");
      }
    };
  }

  /** Whether this store keeps anything; {@link #noop()} does not, which turns sticky bucketing off. */
  default boolean enabled() {
    return true;
  }

  /**
   * The assignments remembered for the subject whose attribute {@code attributeName} has value
   * {@code attributeValue}: {@code "<experimentKey>__<bucketVersion>"} to variant key; empty if none.
   */
  Map<String, String> assignments(String attributeName, String attributeValue);

  /** Replaces the document of {@code attributeName} = {@code attributeValue} with {@code assignments}. */
  void save(String attributeName, String attributeValue, Map<String, String> assignments);
}

/** The store of {@link StickyBucketStore#noop()}. */
enum NoStickyBuckets implements StickyBucketStore {
  INSTANCE;

  @Override
  public boolean enabled() {
    return false;
  }

  @Override
  public Map<String, String> assignments(String attributeName, String attributeValue) {
    return Map.of();
  }

  @Override
  public void save(String attributeName, String attributeValue, Map<String, String> assignments) {}
}
