package dev.llmops.core;

import dev.llmops.api.Cancellable;
import dev.llmops.api.Completion;
import java.util.concurrent.CompletableFuture;

/**
 * A streaming call in flight: its chunks go to the handler given to {@code stream(...)}, and
 * {@link #completion()} completes with the aggregate once the stream ends. Thread-safe.
 */
public final class StreamingCall implements Cancellable {
  private final CompletableFuture<Completion> completion;

  StreamingCall(CompletableFuture<Completion> completion) {
    this.completion = completion;
  }

  /**
   * The aggregate result: completes with the full text and usage, or fails with the call's error
   * (a {@link dev.llmops.api.StreamInterruptedException} for a stream cut after chunks reached the
   * handler).
   */
  public CompletableFuture<Completion> completion() {
    return completion;
  }

  /**
   * Cancels the stream: the attempt in flight is aborted and still accounted, no further chunk is
   * delivered, and {@link #completion()} fails with a {@link java.util.concurrent.CancellationException}.
   */
  @Override
  public boolean cancel() {
    return completion.cancel(false);
  }
}
