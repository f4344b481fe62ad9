package dev.llmops.api;

import java.util.concurrent.CompletionStage;

/**
 * One step of the call pipeline, in the manner of OkHttp's interceptors but asynchronous: look at
 * the request, call {@link Chain#proceed}, look at (or replace) the response. Because {@code
 * proceed} returns a {@link CompletionStage}, no thread waits while a call is in flight.
 *
 * <p>An interceptor may call {@code proceed} more than once (a retry) or not at all (a cache hit,
 * a rejection). It must return a stage that completes exactly once; to fail a call, return a
 * stage completed exceptionally with an {@link LlmException} (throwing from {@code intercept} is
 * treated the same way). The same interceptor serves blocking, asynchronous and streaming calls;
 * {@link Chain#chunks()} is where a streaming call's chunks go.
 *
 * <p>Implementations must be thread-safe: one instance serves all calls concurrently.
 */
@FunctionalInterface
public interface Interceptor {

  /**
   * Handles one call at this step.
   *
   * @param chain the request, the call, and the rest of the pipeline
   * @return the response, or a stage failed with the call's error
   */
  CompletionStage<ChatResponse> intercept(Chain chain);

  /** The rest of the pipeline, seen from one interceptor. */
  interface Chain {

    /** The request as this step received it. */
    ChatRequest request();

    /** The call this chain belongs to. */
    CallInfo call();

    /**
     * Where the chunks of a streaming call go from this step on; {@link StreamHandler#IGNORE}
     * when the call does not stream.
     */
    StreamHandler chunks();

    /** Runs the rest of the pipeline with {@code request}, passing chunks on to {@link #chunks()}. */
    CompletionStage<ChatResponse> proceed(ChatRequest request);

    /**
     * Runs the rest of the pipeline with {@code request}, delivering its chunks to {@code chunks}
     * instead; the interceptor forwards them to {@link #chunks()} as it sees fit (to observe the
     * first chunk, or to hold a retried attempt's chunks back).
     */
    CompletionStage<ChatResponse> proceed(ChatRequest request, StreamHandler chunks);

    /** Publishes a typed event to the client's listeners, in order with the call's other events. */
    void publish(CallEvent event);

    /**
     * Cancels the model attempt in flight below this step, if there is one, without cancelling the
     * call: the model's cancel actions run and listeners get {@code attemptFailed(cause)}. The
     * stage that {@link #proceed} returned for it may then never complete, so a step that cancels
     * an attempt (a per-attempt timeout) completes its own stage. Attempts of a call are
     * sequential, so "the attempt in flight" is the one this step's latest {@code proceed} started.
     *
     * @param cause what the attempt is reported failed with
     * @return true if an attempt was in flight and this cancelled it; false by default
     */
    default boolean cancelAttempt(Throwable cause) {
      return false;
    }
  }
}
