package dev.llmops.core.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What a step may ask of the stage the steps below it returned without adding a stage of its own.
 * Steps take a fast path for an answer that needed no waiting; a stage may be any {@link
 * CompletionStage}, and the one {@link CompletableFuture#minimalCompletionStage()} returns is a
 * {@code CompletableFuture} whose queries throw, so it must never be asked.
 */
public final class Stages {
  private static final Class<?> MINIMAL_STAGE = new CompletableFuture<Object>().minimalCompletionStage().getClass();

  private Stages() {}

  /**
   * {@code stage} as a future that may be queried now, when it is one and has already completed
   * (normally or not); otherwise null, and the caller must attach a stage.
   */
  public static <T> @Nullable CompletableFuture<T> completedNow(CompletionStage<T> stage) {
    if (stage instanceof CompletableFuture<T> f && f.getClass() != MINIMAL_STAGE && f.isDone()) {
      return f;
    }
    return null;
  }
}
