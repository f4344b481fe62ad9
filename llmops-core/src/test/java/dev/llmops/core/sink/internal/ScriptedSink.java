package dev.llmops.core.sink.internal;

import dev.llmops.core.sink.BatchSink;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink for the queue's tests: records every batch it is given, and fails the next writes it is
 * told to fail (atomically: a failed batch writes nothing). Thread-safe.
 */
final class ScriptedSink implements BatchSink<Rec> {
  private final List<List<Integer>> attempts = new ArrayList<>();
  private final List<Integer> written = new ArrayList<>();
  private int failNext;

  synchronized ScriptedSink failNext(int n) {
    failNext = n;
    return this;
  }

  @Override
  public synchronized void write(List<Rec> batch) {
    List<Integer> ids = new ArrayList<>();
    batch.forEach(r -> ids.add(r.id()));
    attempts.add(ids);
    if (failNext > 0) {
      failNext--;
      throw new IllegalStateException("sink down");
    }
    written.addAll(ids);
  }

  /** Every id written, in order (a retried batch appears once, when it succeeded). */
  synchronized List<Integer> written() {
    return List.copyOf(written);
  }

  /** Every batch given, failed ones included. */
  synchronized List<List<Integer>> attempts() {
    return List.copyOf(attempts);
  }
}
