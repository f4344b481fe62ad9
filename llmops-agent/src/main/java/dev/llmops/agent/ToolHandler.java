package dev.llmops.agent;

import java.util.concurrent.CompletionStage;

/**
 * What a {@link Tool} does: takes the invocation (validated arguments, idempotency key) and
 * answers the text the model reads as the tool's result. A handler that throws, or whose stage
 * fails, has failed this attempt; the tool's retry policy decides whether it runs again.
 */
@FunctionalInterface
public interface ToolHandler {

  /** Runs the tool; must not block for long (use the asynchronous form for slow work). */
  CompletionStage<String> execute(ToolInvocation invocation);
}
