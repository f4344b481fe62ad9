package dev.llmops.core.prompt;

import dev.llmops.api.CallAttributes;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Interceptor;
import dev.llmops.api.Message;
import dev.llmops.api.PromptRef;
import dev.llmops.core.pipeline.Rendering;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The prompt step. A call that carries a {@link PromptRef} (as set by {@code client.prompt(name)},
 * possibly re-pointed by the experiment step) is pinned to a version and rendered:
 *
 * <ul>
 *   <li>the rendered messages come first, then any messages the request already had (a
 *       conversation's earlier turns or a follow-up the application appends);
 *   <li>the version's model applies when the request names none, and its parameters apply where
 *       the request sets none;
 *   <li>the call's {@link Fingerprint} records prompt name, version, content hash, model and the
 *       hash of the parameters as sent, keeping an experiment key, variant and evaluation dataset
 *       an earlier step (or the caller) set;
 *   <li>{@link PromptEvent.Resolved} (and {@link PromptEvent.StaleServed} when served stale) is published.
 * </ul>
 *
 * A call without a {@link PromptRef} passes through untouched. Thread-safe.
 */
final class PromptInterceptor implements Interceptor {
  private final PromptRegistry registry;

  PromptInterceptor(PromptRegistry registry) {
    this.registry = registry;
  }

  @Override
  public CompletionStage<ChatResponse> intercept(Chain chain) {
    CallAttributes attributes = chain.call().attributes();
    PromptRef ref = attributes.getOrNull(PromptRef.KEY);
    if (ref == null) {
      return chain.proceed(chain.request());
    }
    PromptRegistry.Resolution resolution = registry.resolve(ref.name(), ref.label(), ref.version());
    PromptVersion version = resolution.version;
    PromptVersion.Rendered rendered = version.render(ref.variables());
    ChatRequest request = chain.request();

    List<Message> messages = rendered.messages();
    if (!request.messages().isEmpty()) {
      messages = new ArrayList<>(messages);
      messages.addAll(request.messages());
    }
    String model = request.model() != null ? request.model() : version.model();
    GenerationParameters parameters;
    if (request.parameters().equals(GenerationParameters.DEFAULTS)) {
      parameters = version.parameters();
    } else if (!version.setsParameters()) {
      // The version sets nothing: the request's parameters as they are (merging would copy them).
      parameters = request.parameters();
    } else {
      parameters = version.parameters().overriddenBy(request.parameters());
    }
    ChatRequest out = new ChatRequest(
        model, messages, parameters, request.toolsJson(), request.tools(), request.responseFormatJson(),
        request.metadata());

    Fingerprint prior = attributes.getOrNull(Fingerprint.KEY);
    Fingerprint fingerprint = version.fingerprint(
        model, parameters, experimentKey(prior), prior == null ? null : prior.variant());
    String dataset = prior == null ? null : prior.dataset();
    attributes.put(Fingerprint.KEY, dataset == null ? fingerprint : fingerprint.withDataset(dataset));
    attributes.put(PromptRegistry.VERSION_KEY, version);
    attributes.put(Rendering.KEY, new Rendering(
        version.name(), version.version(), version.contentHash(), rendered.messages().size(), ref.variables(), messages));

    chain.publish(version.resolved(resolution.label, rendered.unusedVariables()));
    PromptRegistry.Entry entry = resolution.entry;
    if (entry.staleSince != null) {
      chain.publish(new PromptEvent.StaleServed(version.name(), version.version(), entry.staleSince, entry.reason, entry.fallback));
    }
    return chain.proceed(out);
  }

  private static @Nullable String experimentKey(@Nullable Fingerprint prior) {
    return prior == null ? null : prior.experimentKey();
  }
}
