package dev.llmops.core.experiment.shadow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ShadowSink} that keeps the most recent pairs in memory (default 1,000), dropping the
 * oldest. The default sink of {@link dev.llmops.core.experiment.Experiments}. Thread-safe.
 */
public final class InMemoryShadowSink implements ShadowSink {
  private final int capacity;
  private final ArrayDeque<ShadowPair> pairs = new ArrayDeque<>();
  private long received;

  private InMemoryShadowSink(int capacity) {
    this.capacity = capacity;
  }

  /** A sink keeping the last 1,000 pairs. */
  public static InMemoryShadowSink create() {
    return withCapacity(1000);
  }

  /**
   * A sink keeping the last {@code capacity} pairs.
   *
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public static InMemoryShadowSink withCapacity(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
    }
    return new InMemoryShadowSink(capacity);
  }

  @Override
  public synchronized void accept(ShadowPair pair) {
    if (pairs.size() == capacity) {
      pairs.removeFirst();
    }
    pairs.addLast(pair);
    received++;
  }

  /** The pairs kept, oldest first. */
  public synchronized List<ShadowPair> pairs() {
    return List.copyOf(new ArrayList<>(pairs));
  }

  /** How many pairs were received in all, including those no longer kept. */
  public synchronized long received() {
    return received;
  }

  /** Forgets the pairs kept. */
  public synchronized void clear() {
    pairs.clear();
  }
}
