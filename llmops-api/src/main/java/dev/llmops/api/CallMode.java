package dev.llmops.api;

/** How the application made a call; every mode runs the same asynchronous pipeline. */
public enum CallMode {
  /** {@code chat(...)}: the asynchronous call joined at the edge. */
  BLOCKING,
  /** {@code chatAsync(...)}: a {@code CompletableFuture}. */
  ASYNC,
  /** {@code stream(...)}: chunks delivered as they arrive, then the aggregate. */
  STREAM
}
