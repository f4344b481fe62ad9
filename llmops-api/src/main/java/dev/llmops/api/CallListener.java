package dev.llmops.api;

import org.jspecify.annotations.Nullable;

/**
 * Observes calls through the client: telemetry, logs, monitors and audits subscribe here. Every
 * method has a no-op default, so new events can be added without breaking implementations.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Pairs.</b> Every {@code callStart} is followed by exactly one of {@code callEnd} or
 *       {@code callFailed}; every {@code attemptStart} by exactly one of {@code attemptEnd} or
 *       {@code attemptFailed} (a cancelled attempt fails with a {@link
 *       java.util.concurrent.CancellationException}). All attempt events of a call come between
 *       its {@code callStart} and its end.
 *   <li><b>Order.</b> Events of one call are delivered in the order they happen, never
 *       concurrently; {@code firstChunk} comes after its {@code attemptStart} and before its end.
 *       Events of different calls may interleave and run concurrently.
 *   <li><b>Threads.</b> Events are delivered on whatever thread runs the pipeline step (the
 *       caller's, a provider's I/O thread, a scheduler's): listeners must be fast and must not
 *       block.
 *   <li><b>Failures.</b> A listener must not throw. If it does, the client catches it, logs it
 *       once per listener and event, counts it, and carries on: a listener never breaks a call.
 * </ul>
 */
public interface CallListener {

  /** A listener that ignores everything. */
  static CallListener noop() {
    return NoopCallListener.INSTANCE;
  }

  /** A call started. */
  default void callStart(CallInfo call) {}

  /** A call ended with a response. */
  default void callEnd(CallInfo call, ChatResponse response) {}

  /** A call failed or was cancelled. */
  default void callFailed(CallInfo call, Throwable error) {}

  /** An attempt was sent to a model endpoint. */
  default void attemptStart(AttemptInfo attempt) {}

  /** The first chunk of a streaming attempt arrived. */
  default void firstChunk(AttemptInfo attempt, ChatChunk chunk) {}

  /** An attempt ended with a response. */
  default void attemptEnd(AttemptInfo attempt, ChatResponse response) {}

  /** An attempt failed or was cancelled. */
  default void attemptFailed(AttemptInfo attempt, Throwable error) {}

  /** A pipeline step published a typed event (prompt resolved, retry, fallback, ...). */
  default void onEvent(CallInfo call, CallEvent event) {}

  /**
   * An agent run starts or is carried on (resumed, approved, decided). Followed by exactly one
   * {@link #runEnd} for the same run; its model calls and tool executions come in between.
   */
  default void runStart(RunInfo run) {}

  /**
   * Opens what should be current on the thread while the agent starts one of the run's model
   * calls (the run's span, so the call's span is its child); the agent closes it on the same
   * thread as soon as the call has started. Like {@link #attemptScope}, it must not throw.
   *
   * @return the scope to close; {@link Scope#NONE} (the default) when there is nothing to open
   */
  default Scope runScope(RunInfo run) {
    return Scope.NONE;
  }

  /** A tool execution of a run starts. Followed by exactly one {@link #toolEnd}. */
  default void toolStart(ToolExecutionInfo tool) {}

  /**
   * A tool execution ended.
   *
   * @param outcome {@code ok}, {@code error} or {@code timeout}
   * @param error what the last attempt failed with, or null
   */
  default void toolEnd(ToolExecutionInfo tool, String outcome, @Nullable Throwable error) {}

  /** A run's carrying-on ended: finished, paused for an approval or a decision, or stopped. */
  default void runEnd(RunInfo run, RunOutcome outcome) {}

  /**
   * Opens what should be current on the thread while the model starts {@code attempt}, and
   * returns what closes it: for example the call's OpenTelemetry context, so that an instrumented
   * HTTP client sends the provider request as a child of the call's span, with its trace headers.
   * Called right after {@link #attemptStart}, on the thread that starts the attempt; the client
   * closes the returned scope on the same thread as soon as the model's {@code execute} has
   * returned (the answer may come later, on another thread), also when it threw. With several
   * listeners, scopes open in listener order and close in reverse. Like every event, it must not
   * throw; if it does, the attempt runs without this listener's scope.
   *
   * @return the scope to close; {@link Scope#NONE} (the default) when there is nothing to open
   */
  default Scope attemptScope(AttemptInfo attempt) {
    return Scope.NONE;
  }

  /** What {@link #attemptScope} opened; closing it restores the thread as it was. */
  @FunctionalInterface
  interface Scope extends AutoCloseable {
    /** Nothing opened, nothing to close. */
    Scope NONE = () -> { };

    /** Restores the thread; must not throw. */
    @Override
    void close();
  }
}

/** The listener behind {@link CallListener#noop()}. */
enum NoopCallListener implements CallListener {
  INSTANCE
}
