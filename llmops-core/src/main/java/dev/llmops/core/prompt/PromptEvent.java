package dev.llmops.core.prompt;

import dev.llmops.api.CallEvent;

/**
 * An event of the prompt registry. {@link PromptResolved} and {@link StalePromptServed} are
 * published to the call's listeners by the prompt step ({@link dev.llmops.api.CallListener#onEvent});
 * {@link PromptLabelMoved} and {@link PromptRefreshFailed} happen outside any call and go to the
 * registry's {@link PromptEventListener}s. No event carries template text or variable values.
 */
public sealed interface PromptEvent extends CallEvent
    permits PromptResolved, StalePromptServed, PromptLabelMoved, PromptRefreshFailed {}
