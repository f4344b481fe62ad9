package dev.llmops.eval.judge;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.PromptRef;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * How a judge calls its model: the rubric prompt (name plus label or version) rendered from the
 * registry of the judge's client, sent through that client with the run's context (so the run's
 * budget counts it) and a fingerprint that names the dataset. Immutable.
 */
final class JudgeCall {
  private final LlmClient client;
  private final String prompt;
  private final @Nullable String label;
  private final @Nullable Integer version;
  private final @Nullable String responseFormatJson;

  JudgeCall(LlmClient client, String prompt, @Nullable String label, @Nullable Integer version,
      @Nullable String responseFormatJson) {
    this.client = Objects.requireNonNull(client, "client");
    this.prompt = Objects.requireNonNull(prompt, "prompt");
    this.label = label;
    this.version = version;
    this.responseFormatJson = responseFormatJson;
    if (!client.steps().contains(PipelineStep.PROMPT)) {
      throw new IllegalStateException(
          "the judge's rubric '" + prompt + "' comes from a prompt registry, but its client has none");
    }
  }

  String prompt() {
    return prompt;
  }

  CompletableFuture<Completion> call(Map<String, Object> variables, CallContext context, String datasetId) {
    ChatRequest request = ChatRequest.builder().responseFormatJson(responseFormatJson).build();
    Fingerprint preset = new Fingerprint(null, 0, null, null,
        Fingerprint.hashParameters(GenerationParameters.DEFAULTS), null, null, datasetId);
    try {
      return client.request(request)
          .context(context)
          .attribute(PromptRef.KEY, new PromptRef(prompt, label, version, variables))
          .attribute(Fingerprint.KEY, preset)
          .callAsync();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
