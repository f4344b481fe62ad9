package dev.llmops.core.experiment;

import dev.llmops.api.CallAttributes;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Interceptor;
import dev.llmops.api.PromptRef;
import dev.llmops.core.experiment.shadow.Shadow;
import dev.llmops.core.experiment.shadow.ShadowEvent;
import dev.llmops.core.experiment.shadow.ShadowOf;
import dev.llmops.core.experiment.shadow.ShadowPair;
import dev.llmops.core.pipeline.Failures;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The {@code EXPERIMENT} pipeline step: matches the call to experiments, assigns the subject,
 * applies the variant (model, parameters, prompt label or version), records the assignment and
 * fingerprint, publishes the exposure, and hands a sampled copy to the shadow dispatcher when the
 * call ends. A shadow call passes through unchanged (it is never re-assigned or re-shadowed); its
 * end is paired with the primary's here. Thread-safe.
 */
final class ExperimentInterceptor implements Interceptor {
  private static final int MEMO_SLOTS = 16;

  private final Experiments experiments;
  private final AtomicReferenceArray<@Nullable Made> lastFingerprints = new AtomicReferenceArray<>(MEMO_SLOTS);

  ExperimentInterceptor(Experiments experiments) {
    this.experiments = experiments;
  }

  @Override
  public CompletionStage<ChatResponse> intercept(Chain chain) {
    CallInfo call = chain.call();
    CallContext context = call.context();
    if (!context.tags().isEmpty() && "true".equals(context.tags().get(Experiments.SHADOW_TAG))) {
      return shadowCall(chain, call);
    }
    Experiment[] all = experiments.snapshot();
    if (all.length == 0) {
      return chain.proceed(chain.request());
    }
    CallAttributes attributes = call.attributes();
    PromptRef ref = attributes.getOrNull(PromptRef.KEY);
    String named = attributes.getOrNull(Experiments.EXPERIMENT);
    String promptName = ref == null ? null : ref.name();
    Experiment first = null;
    Experiment chosen = null;
    Assignment assignment = null;
    for (Experiment e : all) {
      if (named != null ? !e.key().equals(named) : !e.matches(promptName, context.feature())) {
        continue;
      }
      if (first == null) {
        first = e;
      }
      assignment = experiments.assign(e, call);
      if (assignment != null) {
        chosen = e;
        break;
      }
    }
    if (first == null) {
      return chain.proceed(chain.request());
    }
    // Outside every matching experiment: the first one's control settings, as GrowthBook serves
    // variation 0, but no exposure.
    Experiment applied = chosen != null ? chosen : first;
    Variant variant = applied.variants().get(assignment != null ? assignment.variantIndex() : 0);
    ChatRequest original = chain.request();
    ChatRequest request = variant.apply(original);
    if (ref != null) {
      PromptRef repointed = variant.apply(ref);
      if (!repointed.equals(ref)) {
        attributes.put(PromptRef.KEY, repointed);
      }
    }
    if (assignment != null) {
      attributes.put(Assignment.KEY, assignment);
      Fingerprint fingerprint = attributes.getOrNull(Fingerprint.KEY);
      attributes.put(
          Fingerprint.KEY,
          fingerprint != null
              ? fingerprint.withVariant(assignment.experimentKey(), assignment.variant())
              : fingerprint(assignment, promptName, request));
      chain.publish(new ExposureEvent(assignment));
    }
    Shadow shadow = applied.shadow();
    if (shadow == null
        || !experiments.shadowsEnabled()
        || (assignment != null && assignment.variantIndex() == applied.shadowIndex())
        || !applied.sampledForShadow(call.callId())) {
      return chain.proceed(request);
    }
    return withShadow(chain, call, applied, assignment, original, ref, request);
  }

  /**
   * The fingerprint of a call no earlier step fingerprinted; the last one made for the variant's
   * position is reused when its inputs are equal, as most calls repeat them, so the parameters are
   * hashed only when they change.
   */
  private Fingerprint fingerprint(Assignment assignment, @Nullable String promptName, ChatRequest request) {
    GenerationParameters parameters = request.parameters();
    int slot = assignment.variantIndex() & (MEMO_SLOTS - 1);
    Made made = lastFingerprints.get(slot);
    if (made != null) {
      Fingerprint last = made.fingerprint;
      if (last.experimentKey() != null && last.experimentKey().equals(assignment.experimentKey())
          && assignment.variant().equals(last.variant())
          && Objects.equals(last.promptName(), promptName)
          && Objects.equals(last.model(), request.model())
          && made.parameters.equals(parameters)) {
        return last;
      }
    }
    Fingerprint f = new Fingerprint(promptName, 0, null, request.model(), Fingerprint.hashParameters(parameters),
        assignment.experimentKey(), assignment.variant());
    lastFingerprints.set(slot, new Made(parameters, f));
    return f;
  }

  /** A fingerprint this step made, and the parameters (as sent) it was made for. */
  private record Made(GenerationParameters parameters, Fingerprint fingerprint) {}

  private CompletionStage<ChatResponse> withShadow(
      Chain chain,
      CallInfo call,
      Experiment experiment,
      @Nullable Assignment assignment,
      ChatRequest original,
      @Nullable PromptRef ref,
      ChatRequest request) {
    Instant start = experiments.clock().instant();
    CompletionStage<ChatResponse> stage = chain.proceed(request);
    Variant candidate = experiment.variants().get(experiment.shadowIndex());
    var unused = stage.whenComplete((response, error) -> {
      Duration latency = Duration.between(start, experiments.clock().instant());
      ShadowPair.Outcome primary =
          new ShadowPair.Outcome(
              call.callId(),
              assignment == null ? null : assignment.variant(),
              request.model(),
              response == null ? null : response.text(),
              response == null ? null : response.usage(),
              latency,
              error == null ? null : Failures.unwrap(error));
      ShadowOf marker = new ShadowOf(call.callId(), experiment.key(), candidate.key());
      experiments.dispatcher().offer(
          new ShadowJob(
              marker,
              candidate.apply(original),
              call.context().withTag(Experiments.SHADOW_TAG, "true"),
              ref == null ? null : candidate.apply(ref),
              primary));
    });
    return stage;
  }

  /** A shadow call: no assignment, no exposure, no further shadow; pair its end with the primary. */
  private CompletionStage<ChatResponse> shadowCall(Chain chain, CallInfo call) {
    ShadowJob job = call.attributes().getOrNull(ShadowJob.KEY);
    if (job == null) {
      return chain.proceed(chain.request());
    }
    job.shadowCallId = call.callId();
    Instant start = job.startedAt != null ? job.startedAt : experiments.clock().instant();
    ChatRequest request = chain.request();
    return chain.proceed(request).whenComplete((response, error) -> {
      if (!job.claim()) {
        return;
      }
      Duration latency = Duration.between(start, experiments.clock().instant());
      ShadowPair pair =
          job.pair(call.callId(), response, error == null ? null : Failures.unwrap(error), latency);
      experiments.deliver(pair);
      chain.publish(new ShadowEvent(pair));
    });
  }
}
