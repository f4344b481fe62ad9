package dev.llmops.core.prompt;

/**
 * Receives the registry's own events: label moves and refresh failures. Called on the thread that
 * moved the label or ran the refresh (the registry's executor); must be fast and must not throw
 * (a listener that throws is logged and skipped).
 */
@FunctionalInterface
public interface PromptEventListener {

  /** A listener that ignores everything. */
  static PromptEventListener noop() {
    return event -> {};
  }

  /** Handles one event. */
  void onEvent(PromptEvent event);
}
