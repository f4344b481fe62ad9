package dev.llmops.otel;

import dev.llmops.api.CallAttributes;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.Usage;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.shadow.ShadowOf;
import dev.llmops.core.resilience.Resilience;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/**
 * The spans of a call: the call's {@link SpanKind#CLIENT} span {@code chat {model}}, started with
 * every attribute known at the first attempt (so that a sampler sees them) and completed when the
 * call ends, and the {@link SpanKind#INTERNAL} {@code attempt {endpoint}} children of a call with
 * more than one attempt. Thread-safe: the per-call state is the caller's {@link CallState}.
 */
final class OtelSpans {
  private final Tracer tracer;
  private final GenAiConventions conventions;
  private final OtelContent content;

  OtelSpans(Tracer tracer, GenAiConventions conventions, OtelContent content) {
    this.tracer = tracer;
    this.conventions = conventions;
    this.content = content;
  }

  /**
   * Starts the call's span with every attribute known now: the request's, and the call's own
   * (endpoint, tenant, feature, prompt and experiment), so that a sampler sees them and the SDK
   * takes them without a lock each; what only the end knows is set then. {@code st.model} is the
   * first attempt's model, or null for a call that reached none.
   */
  Span startCall(CallInfo call, CallState st, ChatRequest request, @Nullable String endpoint) {
    ModelInfo model = st.model;
    String requestModel = st.requestModel(request);
    SpanBuilder b = tracer.spanBuilder(requestModel == null || requestModel.isEmpty() ? "chat" : "chat " + requestModel)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(st.parent)
        .setStartTimestamp(call.startedAt())
        .setAttribute(Keys.OPERATION_NAME, "chat")
        .setAttribute(Keys.PROVIDER_NAME, st.provider());
    if (requestModel != null) {
      b.setAttribute(Keys.REQUEST_MODEL, requestModel);
    }
    if (model != null && model.serverAddress() != null) {
      b.setAttribute(Keys.SERVER_ADDRESS, model.serverAddress());
      if (model.serverPort() > 0) {
        b.setAttribute(Keys.SERVER_PORT, (long) model.serverPort());
      }
    }
    parameters(b, request.parameters());
    if (call.mode() == CallMode.STREAM) {
      b.setAttribute(Keys.REQUEST_STREAM, true);
    }
    if (request.responseFormatJson() != null) {
      b.setAttribute(Keys.OUTPUT_TYPE, "json");
    }
    st.spanEndpoint = endpoint;
    if (endpoint != null) {
      b.setAttribute(Keys.ENDPOINT, endpoint);
    }
    String tenant = content.redacted(call.context().tenant());
    st.tenant = tenant;
    if (tenant != null) {
      b.setAttribute(Keys.TENANT, tenant);
    }
    String feature = content.redacted(call.context().feature());
    if (feature != null) {
      b.setAttribute(Keys.FEATURE, feature);
    }
    fingerprint(b, call.attributes().getOrNull(Fingerprint.KEY));
    Span span = b.startSpan();
    if (content.captured() && span.isRecording()) {
      span.setAttribute(Keys.INPUT_MESSAGES, content.input(request.messages()));
    }
    return span;
  }

  private static void parameters(SpanBuilder b, GenerationParameters p) {
    if (p.maxOutputTokens() != null) {
      b.setAttribute(Keys.REQUEST_MAX_TOKENS, (long) p.maxOutputTokens());
    }
    if (p.temperature() != null) {
      b.setAttribute(Keys.REQUEST_TEMPERATURE, p.temperature());
    }
    if (p.topP() != null) {
      b.setAttribute(Keys.REQUEST_TOP_P, p.topP());
    }
    if (!p.stopSequences().isEmpty()) {
      b.setAttribute(Keys.REQUEST_STOP_SEQUENCES, p.stopSequences());
    }
    if (p.seed() != null) {
      b.setAttribute(Keys.REQUEST_SEED, p.seed());
    }
    if (p.presencePenalty() != null) {
      b.setAttribute(Keys.REQUEST_PRESENCE_PENALTY, p.presencePenalty());
    }
    if (p.frequencyPenalty() != null) {
      b.setAttribute(Keys.REQUEST_FREQUENCY_PENALTY, p.frequencyPenalty());
    }
  }

  /**
   * The prompt and experiment of the call's {@link Fingerprint}. Where the conventions name a
   * prompt attribute we emit theirs and no llmops copy; the content hash follows from name and
   * version (versions are immutable) and stays on the Fingerprint.
   */
  private void fingerprint(SpanBuilder b, @Nullable Fingerprint f) {
    if (f == null) {
      return;
    }
    if (f.promptName() != null) {
      b.setAttribute(Keys.PROMPT_NAME, f.promptName());
      if (conventions == GenAiConventions.LATEST) {
        b.setAttribute(Keys.PROMPT_VERSION, Integer.toString(f.promptVersion()));
      } else {
        b.setAttribute(Keys.LLMOPS_PROMPT_VERSION, (long) f.promptVersion());
      }
    }
    if (f.experimentKey() != null) {
      b.setAttribute(Keys.EXPERIMENT, f.experimentKey());
    }
    if (f.variant() != null) {
      b.setAttribute(Keys.VARIANT, f.variant());
    }
  }

  /** Starts the span of attempt {@code number}, a child of the call's span. */
  Span startAttempt(CallState st, String endpoint, ModelInfo model, int number, Instant start) {
    Span parent = Objects.requireNonNull(st.span);
    return tracer.spanBuilder("attempt " + endpoint)
        .setSpanKind(SpanKind.INTERNAL)
        .setParent(st.parent.with(parent))
        .setStartTimestamp(start)
        .setAttribute(Keys.ATTEMPT_NUMBER, (long) number)
        .setAttribute(Keys.ENDPOINT, endpoint)
        .setAttribute(Keys.PROVIDER_NAME, model.provider())
        .setAttribute(Keys.REQUEST_MODEL, model.modelId())
        .startSpan();
  }

  /** Ends an attempt's span with its response model and usage, or its error. */
  void endAttempt(Span span, Instant end, @Nullable ChatResponse response, @Nullable Throwable error) {
    if (span.isRecording()) {
      if (response != null) {
        span.setAttribute(Keys.RESPONSE_MODEL, response.model());
        usage(span, response.usage());
      } else if (error != null) {
        failed(span, error, errorType(error), end);
      }
    }
    span.end(end);
  }

  /**
   * Completes and ends the call's span: what other steps recorded ({@code usd} is the call's
   * cost), the response's attributes or the error's. A span the sampler dropped keeps no
   * attributes, so none are built for it (no redaction, no cost text, no stack trace).
   */
  void endCall(
      Span span, CallInfo call, CallState st, @Nullable BigDecimal usd,
      @Nullable ChatResponse response, @Nullable Throwable error, @Nullable String errorType, Instant end) {
    if (span.isRecording()) {
      // Endpoint, tenant, feature, prompt and experiment were set when the span started; the
      // endpoint changes when a fallback answered.
      String endpoint = st.lastEndpoint != null ? st.lastEndpoint : call.originalRequest().model();
      if (endpoint != null && !endpoint.equals(st.spanEndpoint)) {
        span.setAttribute(Keys.ENDPOINT, endpoint);
      }
      recordedByOtherSteps(span, call, st, usd);
      if (response != null) {
        responded(span, response);
      } else if (error != null) {
        failed(span, error, Objects.requireNonNull(errorType), end);
      }
      if (st.timeToFirstChunk >= 0) {
        span.setAttribute(Keys.RESPONSE_TIME_TO_FIRST_CHUNK, st.timeToFirstChunk);
      }
    }
    span.end(end);
  }

  private void responded(Span span, ChatResponse response) {
    if (!response.id().isEmpty()) {
      span.setAttribute(Keys.RESPONSE_ID, response.id());
    }
    if (!response.model().isEmpty()) {
      span.setAttribute(Keys.RESPONSE_MODEL, response.model());
    }
    String finishReason = finishReason(response);
    span.setAttribute(Keys.RESPONSE_FINISH_REASONS, List.of(finishReason));
    usage(span, response.usage());
    if (content.captured()) {
      span.setAttribute(Keys.OUTPUT_MESSAGES, content.output(response, finishReason));
    }
  }

  /** {@code error.type}, status ERROR and the redacted {@code exception} event. */
  private void failed(Span span, Throwable error, String errorType, Instant at) {
    span.setAttribute(Keys.ERROR_TYPE, errorType);
    span.setStatus(StatusCode.ERROR);
    span.addEvent("exception", content.exception(error), at);
  }

  /**
   * The llmops attributes other steps recorded on the call by its end, read through their public
   * keys (see {@link OtelInstrumentation}); {@code usd} is the call's cost.
   */
  private static void recordedByOtherSteps(Span span, CallInfo call, CallState st, @Nullable BigDecimal usd) {
    CallAttributes attributes = call.attributes();
    if (usd != null) {
      span.setAttribute(Keys.COST, usd.toPlainString());
    }
    if (attributes.getOrNull(ResponseCache.HIT) != null) {
      span.setAttribute(Keys.CACHE_HIT, true);
    }
    if (st.attempts > 1) {
      span.setAttribute(Keys.RETRY_COUNT, (long) st.attempts - 1);
    }
    Resilience.FallbackTaken fallback = attributes.getOrNull(Resilience.FALLBACK);
    String fallbackModel = fallback != null ? fallback.to() : null;
    if (fallbackModel == null && st.lastEndpoint != null && st.firstEndpoint != null
        && !st.lastEndpoint.equals(st.firstEndpoint)) {
      fallbackModel = st.lastEndpoint;
    }
    if (fallbackModel != null) {
      span.setAttribute(Keys.FALLBACK_MODEL, fallbackModel);
    }
    if ("true".equals(call.context().tags().get(Experiments.SHADOW_TAG)) || attributes.getOrNull(ShadowOf.KEY) != null) {
      span.setAttribute(Keys.SHADOW, true);
    }
  }

  private void usage(Span span, Usage usage) {
    span.setAttribute(Keys.USAGE_INPUT_TOKENS, usage.inputTokens());
    span.setAttribute(Keys.USAGE_OUTPUT_TOKENS, usage.outputTokens());
    if (usage.cachedInputTokens() > 0) {
      span.setAttribute(Keys.USAGE_CACHE_READ, usage.cachedInputTokens());
    }
    if (usage.cacheWriteTokens() > 0) {
      span.setAttribute(
          conventions == GenAiConventions.LATEST ? Keys.USAGE_CACHE_WRITE : Keys.USAGE_CACHE_CREATION,
          usage.cacheWriteTokens());
    }
    if (usage.reasoningTokens() > 0) {
      span.setAttribute(Keys.USAGE_REASONING, usage.reasoningTokens());
    }
  }

  /** The one finish reason {@code gen_ai.response.finish_reasons} holds. */
  private static String finishReason(ChatResponse response) {
    return switch (response.finishReason()) {
      case STOP -> "stop";
      case LENGTH -> "length";
      case TOOL_CALLS -> "tool_call";
      case CONTENT_FILTER -> "content_filter";
      case OTHER -> {
        String raw = response.metadata().get("finish_reason.raw");
        yield raw != null && raw.length() <= 32 && raw.chars().allMatch(c -> c == '_' || Character.isLetterOrDigit(c))
            ? raw : "other";
      }
    };
  }

  /** {@code error.type} of an error: a timeout, a cancellation, the provider's code or status, else the class. */
  static String errorType(Throwable error) {
    if (error instanceof CancellationException) {
      return "cancelled";
    }
    if (error instanceof LlmTimeoutException) {
      return "timeout";
    }
    if (error instanceof LlmException e) {
      if (!e.details().errorCode().isEmpty() && e.details().errorCode().length() <= 64) {
        return e.details().errorCode();
      }
      if (e.httpStatus() > 0) {
        return Integer.toString(e.httpStatus());
      }
    }
    return error.getClass().getName();
  }
}
