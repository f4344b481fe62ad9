package dev.llmops.core.experiment;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.PromptRef;
import dev.llmops.core.experiment.shadow.ShadowOf;
import dev.llmops.core.experiment.shadow.ShadowPair;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One shadow call waiting to run or running: what to send, and the primary's outcome to pair its
 * answer with. The pair is delivered exactly once, by whichever of the shadow call's experiment
 * step or the dispatcher sees the end first.
 */
final class ShadowJob {
  static final AttributeKey<ShadowJob> KEY = AttributeKey.internal("llmops.experiment.shadow_job", ShadowJob.class);

  final ShadowOf marker;
  final ChatRequest request;
  final CallContext context;
  final @Nullable PromptRef prompt;
  final ShadowPair.Outcome primary;
  private final AtomicBoolean delivered = new AtomicBoolean();
  volatile @Nullable Instant startedAt;
  volatile @Nullable String shadowCallId;

  ShadowJob(ShadowOf marker, ChatRequest request, CallContext context, @Nullable PromptRef prompt, ShadowPair.Outcome primary) {
    this.marker = marker;
    this.request = request;
    this.context = context;
    this.prompt = prompt;
    this.primary = primary;
  }

  Map<AttributeKey<?>, Object> attributes() {
    Map<AttributeKey<?>, Object> out = new LinkedHashMap<>();
    out.put(ShadowOf.KEY, marker);
    out.put(KEY, this);
    if (prompt != null) {
      out.put(PromptRef.KEY, prompt);
    }
    return out;
  }

  /** Claims the right to deliver the pair; true exactly once. */
  boolean claim() {
    return delivered.compareAndSet(false, true);
  }

  ShadowPair pair(String shadowCallId, @Nullable ChatResponse response, @Nullable Throwable error, Duration latency) {
    ShadowPair.Outcome shadow =
        new ShadowPair.Outcome(
            shadowCallId,
            marker.variant(),
            request.model(),
            response == null ? null : response.text(),
            response == null ? null : response.usage(),
            latency,
            error);
    return new ShadowPair(marker.experimentKey(), primary, shadow);
  }
}
