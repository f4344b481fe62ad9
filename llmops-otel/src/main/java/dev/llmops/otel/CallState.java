package dev.llmops.otel;

import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ModelInfo;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The telemetry state of one call, kept on the call under an {@link OtelInstrumentation}'s own
 * internal attribute key. Events of one call never run concurrently and are ordered by the
 * pipeline, so plain fields suffice.
 */
final class CallState implements CallListener.Scope {
  /** The provider named for a call that never reached a model (a cache hit, a budget rejection). */
  static final String OTHER_PROVIDER = "_OTHER";

  /** The context current when the call started: the span's parent and the metrics' context. */
  final Context parent;
  /** Set by the call's end event: later events of the call are ignored. */
  boolean ended;
  @Nullable Span span;
  /** The span of the attempt in flight, from the second attempt on. */
  @Nullable Span current;
  /** The first attempt's model; the span's model. */
  @Nullable ModelInfo model;
  @Nullable String firstEndpoint;
  @Nullable String lastEndpoint;
  /** The endpoint and the redacted tenant the span started with. */
  @Nullable String spanEndpoint;
  @Nullable String tenant;
  int attempts;
  /** Seconds from the call's start to its first streamed chunk; negative until one came. */
  double timeToFirstChunk = -1;

  // The first attempt, remembered until we know whether the call needs attempt spans.
  @Nullable Instant firstStart;
  /** When the first attempt ended (null while it runs), with its response or its error. */
  @Nullable Instant firstEnd;
  @Nullable ChatResponse firstResponse;
  @Nullable Throwable firstError;
  /** The OpenTelemetry scope {@link OtelInstrumentation#attemptScope} opened, until the client closes it. */
  @Nullable Scope scope;

  CallState(Context parent) {
    this.parent = parent;
  }

  /** {@code gen_ai.provider.name}: the first attempt's provider, {@code _OTHER} without one. */
  String provider() {
    return model != null ? model.provider() : OTHER_PROVIDER;
  }

  /** {@code gen_ai.request.model}: the first attempt's model, else the endpoint the call asked for. */
  @Nullable String requestModel(ChatRequest original) {
    return model != null ? model.modelId() : original.model();
  }

  /** Closes the scope of the attempt that the model is starting (the client calls this once per scope). */
  @Override
  public void close() {
    Scope s = scope;
    if (s != null) {
      scope = null;
      s.close();
    }
  }

  /**
   * Lets go of what the call's telemetry no longer needs once it ended: the state stays on the
   * call, which an application may keep (through its {@code Completion}) long after.
   */
  void release() {
    span = null;
    current = null;
    firstResponse = null;
    firstError = null;
  }
}
