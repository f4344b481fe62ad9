package dev.llmops.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs a body on several threads released at once, for the concurrency tests of this module. */
public final class InThreads {
  private InThreads() {}

  /** What each thread runs; {@code thread} is its number, from 0. */
  @FunctionalInterface
  public interface Body {
    void run(int thread) throws Exception;
  }

  /**
   * Runs {@code body} on {@code threads} threads released together, waits for all of them (at most
   * a minute), and rethrows the first failure (wrapped in an {@link java.util.concurrent.ExecutionException}).
   */
  public static void run(int threads, Body body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int self = t;
        done.add(pool.submit(() -> {
          go.await();
          body.run(self);
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
