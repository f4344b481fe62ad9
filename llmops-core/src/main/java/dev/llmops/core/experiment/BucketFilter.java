package dev.llmops.core.experiment;

import java.util.List;
import java.util.Objects;

/**
 * A GrowthBook filter (the general form of a namespace): a subject passes when its attribute
 * hashes, with this seed and hash version, into one of the ranges. An experiment with filters
 * ignores its namespace; a subject without the attribute is filtered out. Immutable.
 *
 * @param seed the hash seed
 * @param ranges the half-open ranges that pass
 * @param attribute the attribute hashed (GrowthBook's default {@code id}; llmops calls have {@code
 *     subject}, {@code tenant}, {@code apiKeyId}, tags and caller attributes)
 * @param hashVersion 1 or 2 (GrowthBook's default for filters is 2)
 */
public record BucketFilter(String seed, List<BucketRange> ranges, String attribute, int hashVersion) {

  /** Checks and copies the components. */
  public BucketFilter {
    Objects.requireNonNull(seed, "seed");
    Objects.requireNonNull(attribute, "attribute");
    ranges = List.copyOf(ranges);
    if (hashVersion != 1 && hashVersion != 2) {
      throw new IllegalArgumentException("hashVersion must be 1 or 2 but was " + hashVersion);
    }
  }

  /** Whether a subject with hash value {@code value} passes. */
  boolean passes(String value) {
    double n = GrowthBook.hash(seed, value, hashVersion);
    if (Double.isNaN(n)) {
      return false;
    }
    for (BucketRange r : ranges) {
      if (r.contains(n)) {
        return true;
      }
    }
    return false;
  }
}
