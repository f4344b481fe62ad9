package dev.llmops.core.experiment;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Starts a shadow call through the client, so the whole pipeline (prompt, admission, accounting,
 * telemetry) sees it, tagged as shadow. {@code LlmClient.Builder.experiments} supplies it; an
 * application only implements it to run {@link Experiments} in a pipeline of its own.
 */
@FunctionalInterface
public interface ShadowCalls {

  /**
   * Starts a call without waiting.
   *
   * @param request the request as the candidate variant changed it
   * @param context the user's context with the {@link Experiments#SHADOW_TAG} tag added
   * @param attributes initial call attributes (the prompt reference, the shadow marker)
   */
  CompletionStage<Completion> start(ChatRequest request, CallContext context, Map<AttributeKey<?>, Object> attributes);
}
