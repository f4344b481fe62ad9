package dev.llmops.core.experiment;

/**
 * A half-open bucket range {@code [start, end)} of one variation, within {@code [0, 1]}. Immutable.
 *
 * @param start the first bucket in the range
 * @param end the first bucket after the range; equal to {@code start} for an empty range
 */
public record BucketRange(double start, double end) {

  /** Whether bucket {@code n} falls in this range. */
  public boolean contains(double n) {
    return n >= start && n < end;
  }
}
