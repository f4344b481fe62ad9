package dev.llmops.otel;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallAttributes;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Cost;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.Money;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.Usage;
import dev.llmops.api.ModelInfo;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.shadow.ShadowOf;
import dev.llmops.core.config.TelemetryFactory;
import dev.llmops.core.config.TelemetrySettings;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.core.resilience.FallbackTaken;
import dev.llmops.core.resilience.Resilience;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * OpenTelemetry for every call through an {@code LlmClient}: one {@link SpanKind#CLIENT} span per
 * call named {@code chat {model}} with the GenAI semantic-convention attributes, child spans per
 * attempt when the call was retried or fell back, the GenAI client metrics, and llmops attributes.
 *
 * <pre>{@code
 * LlmClient client = LlmClient.builder()
 *     .model("smart", model)
 *     .listener(OtelInstrumentation.create(openTelemetry))
 *     .build();
 * }</pre>
 *
 * <h2>What is emitted</h2>
 *
 * <ul>
 *   <li>The call span starts when the call started and ends when it ended, on the configured
 *       {@link Clock} (retries and backoff included). Attributes that feed sampling (operation,
 *       provider, request model, server) are set at span start, which is the first attempt (the
 *       model is known only then); a call that never reached a model (a cache hit, a budget
 *       rejection) gets a span with provider {@code _OTHER} and its endpoint name as model.
 *   <li>When a call had more than one attempt, each attempt is an {@link SpanKind#INTERNAL} child
 *       span {@code attempt {endpoint}} with {@code llmops.attempt.number}; a single attempt has
 *       none.
 *   <li>Metrics per {@link GenAiConventions}: duration, time to first chunk (streams), token usage,
 *       with the bucket boundaries the conventions advise; {@code llmops.client.cost} and {@code
 *       llmops.client.budget.rejections}.
 *   <li>llmops attributes: {@code llmops.endpoint}, {@code llmops.tenant}, {@code llmops.feature};
 *       from the call's {@link Fingerprint} the prompt ({@code gen_ai.prompt.name} and, by
 *       conventions, {@code llmops.prompt.version} or {@code gen_ai.prompt.version}) and {@code
 *       llmops.experiment.key}/{@code variant}; the
 *       call's cost from {@link Cost#KEY} (the decimal string {@code llmops.cost.usd} and the
 *       {@code llmops.client.cost} metric), {@code llmops.cache.hit} from {@link
 *       ResponseCache#HIT}, {@code llmops.fallback.model} from {@link Resilience#FALLBACK} (or the
 *       attempts seen), {@code llmops.retry.count} from the attempts seen, and {@code
 *       llmops.shadow} for shadow calls (the {@link Experiments#SHADOW_TAG} tag).
 * </ul>
 *
 * <h2>Privacy</h2>
 *
 * Message content is not captured unless {@link Builder#captureContent(boolean)} turns it on; then
 * every text passes through the {@link Redactor} first. Exception messages and stack traces on
 * spans, tenant and feature values are always redacted. Nothing else from the call's content is
 * emitted.
 *
 * <p>Thread-safe; one instance serves all calls. Never throws into the call: the client isolates
 * listeners. The span is a child of the context current when the call started. It is current on
 * the thread that starts each attempt while the model's {@code execute} runs ({@link
 * #attemptScope}), so the provider's HTTP request, if an instrumentation traces it, nests under
 * the call with its trace headers; it is not current in the other pipeline steps (a listener
 * cannot scope a context across asynchronous steps).
 */
public final class OtelInstrumentation implements CallListener {
  /** The instrumentation scope name of the tracer and meter. */
  public static final String INSTRUMENTATION_SCOPE = "dev.llmops";

  private static final String OTHER = "_OTHER";
  private static final int MAX_CACHED = 1024;
  /** Stands for null in cache keys. */
  private static final Object NONE = new Object();
  private static final List<String> STOP = List.of("stop");
  private static final List<String> LENGTH = List.of("length");
  private static final List<String> TOOL_CALL = List.of("tool_call");
  private static final List<String> CONTENT_FILTER = List.of("content_filter");
  private static final List<String> OTHER_REASON = List.of("other");
  private static final String[] VERSION_TEXT = new String[128];

  static {
    for (int i = 0; i < VERSION_TEXT.length; i++) {
      VERSION_TEXT[i] = Integer.toString(i);
    }
  }

  private final Tracer tracer;
  private final Metrics metrics;
  private final GenAiConventions conventions;
  private final boolean captureContent;
  private final Redactor redactor;
  private final Clock clock;
  /**
   * Where this instance keeps a call's state: on the call itself, under a key of its own (so that
   * two instances on one client never share state, and no other listener can reach it). Internal:
   * never in a snapshot or a {@code Completion}.
   */
  private final AttributeKey<CallState> state = AttributeKey.internal("llmops.otel.call_state", CallState.class);
  private final LongAdder inFlight = new LongAdder();
  private final LongBoxes maxTokens = new LongBoxes();
  /** Bounded per-value caches: a handful of models and tenants repeat across calls. */
  private final Map<String, String> spanNames = new ConcurrentHashMap<>();
  private final Map<String, String> redacted = new ConcurrentHashMap<>();
  private final Map<Object, Map<Object, Attributes>> costAttributes = new ConcurrentHashMap<>();

  private OtelInstrumentation(Builder b) {
    this.tracer = b.openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
    this.conventions = b.conventions != null ? b.conventions : GenAiConventions.fromEnvironment(b.environment);
    this.metrics = new Metrics(b.openTelemetry.getMeter(INSTRUMENTATION_SCOPE), conventions);
    this.captureContent = b.captureContent;
    this.redactor = b.redactor;
    this.clock = b.clock;
  }

  /**
   * Instrumentation with the defaults: conventions from {@code OTEL_SEMCONV_STABILITY_OPT_IN}, no
   * content capture, {@link Redactor#defaults()}, the system clock.
   */
  public static OtelInstrumentation create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /** A builder over {@code openTelemetry}. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(openTelemetry);
  }

  /**
   * Instrumentation as a configuration file's {@code telemetry} section describes it: content
   * capture, conventions ({@code environment} reads {@link GenAiConventions#OPT_IN_VARIABLE}
   * through {@code environment}), the configured redactor and the client's clock.
   */
  public static OtelInstrumentation fromSettings(
      OpenTelemetry openTelemetry,
      TelemetrySettings settings,
      Redactor redactor,
      Clock clock,
      Function<String, @Nullable String> environment) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(environment, "environment");
    Builder b = builder(openTelemetry)
        .captureContent(settings.captureContent())
        .redactor(redactor)
        .clock(clock)
        .environment(environment::apply);
    switch (settings.conventions()) {
      case V1_41 -> b.conventions(GenAiConventions.V1_41);
      case LATEST -> b.conventions(GenAiConventions.LATEST);
      case ENVIRONMENT -> { }
    }
    return b.build();
  }

  /**
   * The factory to bind for configuration files: {@code
   * ConfigBindings.builder().telemetry(OtelInstrumentation.factory(openTelemetry))}. Each
   * assembled configuration with telemetry on gets its own instrumentation over {@code
   * openTelemetry}, built with {@link #fromSettings}.
   */
  public static TelemetryFactory factory(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return (TelemetrySettings settings, Redactor redactor, Clock clock, Function<String, @Nullable String> environment) ->
        fromSettings(openTelemetry, settings, redactor, clock, environment);
  }

  /** The conventions this instance emits. */
  public GenAiConventions conventions() {
    return conventions;
  }

  /**
   * How many calls this instance saw start and not yet end (a count, not a registry: a call's
   * telemetry state lives on the call and goes with it); for tests and diagnostics.
   */
  public int inFlight() {
    return (int) inFlight.sum();
  }

  // ------------------------------------------------------------------ events

  @Override
  public void callStart(CallInfo call) {
    call.attributes().put(state, new CallState(Context.current()));
    inFlight.increment();
  }

  /** The state of a call this instance saw start and that has not ended, or null. */
  private @Nullable CallState running(CallInfo call) {
    CallState st = call.attributes().getOrNull(state);
    return st == null || st.ended ? null : st;
  }

  /** The state of a call that ends now, marked ended; null if it is not running. */
  private @Nullable CallState ending(CallInfo call) {
    CallState st = running(call);
    if (st != null) {
      st.ended = true;
      inFlight.decrement();
    }
    return st;
  }

  @Override
  public void attemptStart(AttemptInfo attempt) {
    CallState st = running(attempt.call());
    if (st == null) {
      return;
    }
    st.lastEndpoint = attempt.endpoint();
    if (++st.attempts == 1) {
      st.span = startCallSpan(attempt.call(), st, attempt.model(), attempt.request(), attempt.endpoint());
      st.firstEndpoint = attempt.endpoint();
      st.model = attempt.model();
      st.firstStart = attempt.startedAt();
      return;
    }
    if (st.firstEnded && !st.firstSpanned) {
      Span s = attemptSpan(
          st, Objects.requireNonNull(st.firstEndpoint), Objects.requireNonNull(st.model), 1, // attempts count from 1
          Objects.requireNonNull(st.firstStart));
      finishAttempt(s, st.firstResponse, st.firstError, st.firstEnd);
      st.firstSpanned = true;
    }
    st.current = attemptSpan(st, attempt.endpoint(), attempt.model(), attempt.number(), attempt.startedAt());
  }

  /**
   * Makes the call's span (from the second attempt on, the attempt's span) the current
   * OpenTelemetry context while the model starts the attempt: an instrumented HTTP client then
   * sends the provider request as its child, with its trace headers.
   */
  @Override
  @SuppressWarnings("MustBeClosedChecker") // the client closes the returned scope, on this thread
  public CallListener.Scope attemptScope(AttemptInfo attempt) {
    CallState st = running(attempt.call());
    Span span = st == null ? null : st.current != null ? st.current : st.span;
    if (st == null || span == null) {
      return CallListener.Scope.NONE;
    }
    io.opentelemetry.context.Scope scope = st.parent.with(span).makeCurrent();
    return scope::close;
  }

  @Override
  public void firstChunk(AttemptInfo attempt, ChatChunk chunk) {
    CallState st = running(attempt.call());
    if (st == null || st.timeToFirstChunk >= 0) {
      return;
    }
    st.timeToFirstChunk = seconds(attempt.call().startedAt(), nowNanos());
  }

  @Override
  public void attemptEnd(AttemptInfo attempt, ChatResponse response) {
    attemptDone(attempt, response, null);
  }

  @Override
  public void attemptFailed(AttemptInfo attempt, Throwable error) {
    attemptDone(attempt, null, error);
  }

  private void attemptDone(AttemptInfo attempt, @Nullable ChatResponse response, @Nullable Throwable error) {
    CallState st = running(attempt.call());
    if (st == null) {
      return;
    }
    Span current = st.current;
    if (current != null) {
      finishAttempt(current, response, error, nowNanos());
      st.current = null;
    } else if (st.attempts > 0) {
      st.firstEnded = true;
      st.firstEnd = nowNanos();
      st.firstResponse = response;
      st.firstError = error;
    }
  }

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    CallState st = ending(call);
    if (st != null) {
      endCall(call, st, response, null);
    }
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    CallState st = ending(call);
    if (st != null) {
      endCall(call, st, null, unwrap(error));
    }
  }

  // ------------------------------------------------------------------ spans

  /**
   * Starts the call's span with every attribute known now: the request's, and the call's own
   * (endpoint, tenant, feature, prompt and experiment), so that a sampler sees them and the SDK
   * takes them without a lock each; what only the end knows is set then.
   */
  private Span startCallSpan(
      CallInfo call, CallState st, @Nullable ModelInfo model, ChatRequest request, @Nullable String endpoint) {
    String provider = model != null ? model.provider() : OTHER;
    String requestModel = model != null ? model.modelId() : request.model();
    SpanBuilder b = tracer.spanBuilder(spanName(requestModel))
        .setSpanKind(SpanKind.CLIENT)
        .setParent(st.parent)
        .setStartTimestamp(call.startedAt())
        .setAttribute(Keys.OPERATION_NAME, "chat")
        .setAttribute(Keys.PROVIDER_NAME, provider);
    if (requestModel != null) {
      b.setAttribute(Keys.REQUEST_MODEL, requestModel);
    }
    if (model != null && model.serverAddress() != null) {
      b.setAttribute(Keys.SERVER_ADDRESS, model.serverAddress());
      if (model.serverPort() > 0) {
        b.setAttribute(Keys.SERVER_PORT, (long) model.serverPort());
      }
    }
    GenerationParameters p = request.parameters();
    if (p.maxOutputTokens() != null) {
      b.setAttribute(Keys.REQUEST_MAX_TOKENS, maxTokens.of(p.maxOutputTokens()));
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
    String tenant = redactedValue(call.context().tenant());
    st.tenant = tenant;
    if (tenant != null) {
      b.setAttribute(Keys.TENANT, tenant);
    }
    String feature = redactedValue(call.context().feature());
    if (feature != null) {
      b.setAttribute(Keys.FEATURE, feature);
    }
    fingerprint(b, call.attributes().getOrNull(Fingerprint.KEY));
    Span span = b.startSpan();
    if (captureContent && span.isRecording()) {
      span.setAttribute(Keys.INPUT_MESSAGES, ContentJson.input(request.messages(), redactor));
    }
    return span;
  }

  /** {@code chat {model}}, built once per model. */
  private String spanName(@Nullable String requestModel) {
    if (requestModel == null || requestModel.isEmpty()) {
      return "chat";
    }
    String name = spanNames.get(requestModel);
    if (name == null) {
      name = "chat " + requestModel;
      if (spanNames.size() < MAX_CACHED) {
        spanNames.putIfAbsent(requestModel, name);
      }
    }
    return name;
  }

  /** {@code value} redacted; remembered for the values that repeat (tenants, features). */
  private @Nullable String redactedValue(@Nullable String value) {
    if (value == null) {
      return null;
    }
    String r = redacted.get(value);
    if (r == null) {
      r = redactor.redact(value);
      if (redacted.size() < MAX_CACHED) {
        redacted.putIfAbsent(value, r);
      }
    }
    return r;
  }

  private Span attemptSpan(CallState st, String endpoint, ModelInfo model, int number, Instant start) {
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

  private void finishAttempt(Span span, @Nullable ChatResponse response, @Nullable Throwable error, long end) {
    if (!span.isRecording()) {
      span.end(end, TimeUnit.NANOSECONDS);
      return;
    }
    if (response != null) {
      span.setAttribute(Keys.RESPONSE_MODEL, response.model());
      usage(span, response.usage());
    } else if (error != null) {
      Throwable e = unwrap(error);
      span.setAttribute(Keys.ERROR_TYPE, errorType(e));
      span.setStatus(StatusCode.ERROR);
      exceptionEvent(span, e, end);
    }
    span.end(end, TimeUnit.NANOSECONDS);
  }

  private void endCall(CallInfo call, CallState st, @Nullable ChatResponse response, @Nullable Throwable error) {
    long end = nowNanos();
    Span span = st.span;
    if (span == null) {
      span = startCallSpan(call, st, null, call.originalRequest(), call.originalRequest().model());
    }
    ModelInfo model = st.model;
    String tenant = st.tenant;
    Cost callCost = call.attributes().getOrNull(Cost.KEY);
    Money amount = callCost == null ? null : callCost.total();
    BigDecimal cost = amount == null ? null : amount.amount();
    String errorType = response == null && error != null ? errorType(error) : null;
    Usage usage = response != null ? response.usage() : null;
    String responseModel = response != null ? response.model() : null;
    // A span the sampler dropped keeps no attributes: skip building them (redaction, cost text,
    // the exception's redacted stack trace); the metrics below are recorded all the same.
    if (span.isRecording()) {
      endAttributes(span, call, st, cost, response, error, errorType, end);
    }
    span.end(end, TimeUnit.NANOSECONDS);

    String provider = model != null ? model.provider() : OTHER;
    String requestModel = model != null ? model.modelId() : call.originalRequest().model();
    Metrics.AttributeSets sets = metrics.attributes(
        provider, requestModel, responseModel == null || responseModel.isEmpty() ? null : responseModel,
        model != null ? model.serverAddress() : null, model != null ? model.serverPort() : 0, errorType);
    Usage u = usage != null ? usage : Usage.ZERO;
    // Metrics see the context the call started in (not whichever is current on the thread that
    // ends it): exemplars then belong to the call's trace.
    Context context = st.parent;
    metrics.recordCall(sets, context, seconds(call.startedAt(), end), u.inputTokens(), u.outputTokens(),
        u.cachedInputTokens(), u.cacheWriteTokens(), u.reasoningTokens(), usage != null);
    if (st.timeToFirstChunk >= 0) {
      metrics.recordTimeToFirstChunk(sets, context, st.timeToFirstChunk);
    }
    if (cost != null) {
      metrics.recordCost(cost, costAttributes(requestModel, tenant), context);
    }
    if (error instanceof BudgetExceededException || error instanceof QuotaExhaustedException) {
      AttributesBuilder b = Attributes.builder().put(Keys.REJECTION, error.getClass().getSimpleName());
      if (tenant != null) {
        b.put(Keys.TENANT, tenant);
      }
      metrics.recordBudgetRejection(b.build(), context);
    }
    st.release();
  }

  /** Sets the attributes, status and exception event known when the call ends on its recording span. */
  private void endAttributes(
      Span span, CallInfo call, CallState st, @Nullable BigDecimal cost,
      @Nullable ChatResponse response, @Nullable Throwable error, @Nullable String errorType, long end) {
    // Endpoint, tenant, feature, prompt and experiment were set when the span started; the
    // endpoint changes when a fallback answered.
    String endpoint = st.lastEndpoint != null ? st.lastEndpoint : call.originalRequest().model();
    if (endpoint != null && !endpoint.equals(st.spanEndpoint)) {
      span.setAttribute(Keys.ENDPOINT, endpoint);
    }
    extras(span, call, st, cost);
    if (response != null) {
      if (!response.id().isEmpty()) {
        span.setAttribute(Keys.RESPONSE_ID, response.id());
      }
      if (!response.model().isEmpty()) {
        span.setAttribute(Keys.RESPONSE_MODEL, response.model());
      }
      List<String> finishReasons = finishReasons(response);
      span.setAttribute(Keys.RESPONSE_FINISH_REASONS, finishReasons);
      usage(span, response.usage());
      if (captureContent) {
        span.setAttribute(Keys.OUTPUT_MESSAGES,
            ContentJson.output(response, finishReasons.get(0), conventions == GenAiConventions.V1_41, redactor));
      }
    } else if (error != null) {
      span.setAttribute(Keys.ERROR_TYPE, Objects.requireNonNull(errorType));
      span.setStatus(StatusCode.ERROR);
      exceptionEvent(span, error, end);
    }
    if (st.timeToFirstChunk >= 0) {
      span.setAttribute(Keys.RESPONSE_TIME_TO_FIRST_CHUNK, st.timeToFirstChunk);
    }
  }

  /** The cost metric's attributes, built once per (model, tenant). */
  private Attributes costAttributes(@Nullable String model, @Nullable String tenant) {
    Map<Object, Attributes> byTenant = costAttributes.get(model == null ? NONE : model);
    Attributes cached = byTenant == null ? null : byTenant.get(tenant == null ? NONE : tenant);
    if (cached != null) {
      return cached;
    }
    Attributes built = buildCostAttributes(model, tenant);
    if (costAttributes.size() < MAX_CACHED && (byTenant == null || byTenant.size() < MAX_CACHED)) {
      costAttributes.computeIfAbsent(model == null ? NONE : model, k -> new ConcurrentHashMap<>())
          .putIfAbsent(tenant == null ? NONE : tenant, built);
    }
    return built;
  }

  private static Attributes buildCostAttributes(@Nullable String model, @Nullable String tenant) {
    AttributesBuilder b = Attributes.builder();
    if (model != null) {
      b.put(Keys.REQUEST_MODEL, model);
    }
    if (tenant != null) {
      b.put(Keys.TENANT, tenant);
    }
    return b.build();
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

  /** The exception as a span event, its message and stack trace redacted. */
  private void exceptionEvent(Span span, Throwable error, long at) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    AttributesBuilder b = Attributes.builder()
        .put(Keys.EXCEPTION_TYPE, error.getClass().getName())
        .put(Keys.EXCEPTION_STACKTRACE, redactor.redact(trace.toString()));
    String message = error.getMessage();
    if (message != null) {
      b.put(Keys.EXCEPTION_MESSAGE, redactor.redact(message));
    }
    span.addEvent("exception", b.build(), at, TimeUnit.NANOSECONDS);
  }

  // ------------------------------------------------------------------ helpers

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

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The finish reason as the one-element list the attribute holds; constant lists for the usual ones. */
  private static List<String> finishReasons(ChatResponse response) {
    return switch (response.finishReason()) {
      case STOP -> STOP;
      case LENGTH -> LENGTH;
      case TOOL_CALLS -> TOOL_CALL;
      case CONTENT_FILTER -> CONTENT_FILTER;
      case OTHER -> {
        String raw = response.metadata().get("finish_reason.raw");
        yield raw != null && raw.length() <= 32 && raw.chars().allMatch(c -> c == '_' || Character.isLetterOrDigit(c))
            ? List.of(raw) : OTHER_REASON;
      }
    };
  }

  /**
   * The seconds from {@code from} to {@code toEpochNanos}, as {@code Duration.between} would give
   * them for the two instants.
   */
  static double seconds(Instant from, long toEpochNanos) {
    long secs = Math.floorDiv(toEpochNanos, 1_000_000_000L) - from.getEpochSecond();
    long nanos = Math.floorMod(toEpochNanos, 1_000_000_000L) - from.getNano();
    if (nanos < 0) {
      secs--;
      nanos += 1_000_000_000L;
    }
    return secs + nanos / 1e9;
  }

  /**
   * The clock's time in nanoseconds since the epoch. Times are kept and passed as numbers so that
   * no {@link Instant} outlives the read (and the JIT can drop it).
   */
  private long nowNanos() {
    Instant now = clock.instant();
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
  }

  /** {@code version} as decimal text; the usual small versions without allocating. */
  static String versionText(int version) {
    return version < VERSION_TEXT.length ? VERSION_TEXT[version] : Integer.toString(version);
  }


  /**
   * The prompt and experiment of the call's {@link Fingerprint}, set on the span builder. Where
   * the conventions name a prompt attribute we emit theirs and no llmops copy; the content hash
   * follows from name and version (versions are immutable) and stays on the Fingerprint.
   */
  private void fingerprint(SpanBuilder b, @Nullable Fingerprint f) {
    if (f == null) {
      return;
    }
    if (f.promptName() != null) {
      b.setAttribute(Keys.PROMPT_NAME, f.promptName());
      if (conventions == GenAiConventions.LATEST) {
        b.setAttribute(Keys.PROMPT_VERSION, versionText(f.promptVersion()));
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

  /**
   * Sets the llmops attributes other steps recorded on the call by its end (see the class
   * comment), reading each typed key directly; {@code usd} is the call's cost, read by the caller.
   */
  private void extras(Span span, CallInfo call, CallState st, @Nullable BigDecimal usd) {
    CallAttributes attributes = call.attributes();
    if (usd != null) {
      span.setAttribute(Keys.COST, Decimals.plain(usd));
    }
    if (attributes.getOrNull(ResponseCache.HIT) != null) {
      span.setAttribute(Keys.CACHE_HIT, true);
    }
    if (st.attempts > 1) {
      span.setAttribute(Keys.RETRY_COUNT, (long) st.attempts - 1);
    }
    FallbackTaken fallback = attributes.getOrNull(Resilience.FALLBACK);
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

  /**
   * The telemetry state of one call, kept on the call. Events of one call never run concurrently
   * and are ordered by the pipeline, so plain fields suffice.
   */
  private static final class CallState {
    final Context parent;
    /** Set by the call's end event: later events of the call are ignored. */
    boolean ended;
    @Nullable Span span;
    @Nullable Span current;
    /** The first attempt's model and endpoint; the span's model. */
    @Nullable ModelInfo model;
    @Nullable String firstEndpoint;
    @Nullable String lastEndpoint;
    /** The endpoint and the redacted tenant the span started with. */
    @Nullable String spanEndpoint;
    @Nullable String tenant;
    int attempts;
    double timeToFirstChunk = -1;

    // The rest of the first attempt, remembered until we know whether the call needs attempt
    // spans (kept here rather than in an object of its own: most calls have one attempt).
    boolean firstEnded;
    boolean firstSpanned;
    @Nullable Instant firstStart;
    long firstEnd; // epoch nanoseconds
    @Nullable ChatResponse firstResponse;
    @Nullable Throwable firstError;

    CallState(Context parent) {
      this.parent = parent;
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

  /** Builds an {@link OtelInstrumentation}. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private @Nullable GenAiConventions conventions;
    private GenAiConventions.Environment environment = System::getenv;
    private boolean captureContent;
    private Redactor redactor = Redactor.defaults();
    private Clock clock = Clock.systemUTC();

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    }

    /** Selects the conventions explicitly, overriding the environment. */
    public Builder conventions(GenAiConventions conventions) {
      this.conventions = Objects.requireNonNull(conventions, "conventions");
      return this;
    }

    /**
     * Sets where {@link GenAiConventions#OPT_IN_VARIABLE} is read from when no conventions are
     * set explicitly (default {@code System::getenv}).
     */
    public Builder environment(GenAiConventions.Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Captures message content as {@code gen_ai.input.messages} and {@code
     * gen_ai.output.messages} (JSON strings), redacted. Default false.
     */
    public Builder captureContent(boolean captureContent) {
      this.captureContent = captureContent;
      return this;
    }

    /** Sets the redactor for content, exception messages and tenant values (default {@link Redactor#defaults()}). */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /**
     * Sets the clock that span end times and durations are read from; use the client's clock.
     * Start times are the call's and each attempt's own start, on the client's clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the instrumentation; its tracer and meter are created now. */
    public OtelInstrumentation build() {
      return new OtelInstrumentation(this);
    }
  }
}
