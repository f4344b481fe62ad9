package dev.llmops.otel;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Cost;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Money;
import dev.llmops.api.RunInfo;
import dev.llmops.api.RunOutcome;
import dev.llmops.api.ToolExecutionInfo;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.config.TelemetryFactory;
import dev.llmops.core.config.TelemetrySettings;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.core.resilience.Resilience;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionException;
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
 * <p>Without an {@link OpenTelemetry} ({@link #create()}, {@link #builder()}, {@link #factory()})
 * the instrumentation uses {@link GlobalOpenTelemetry#get()}: what the OpenTelemetry Java agent,
 * the SDK's autoconfigure or the application registered there.
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
  // This class keeps each call's state and turns the call's events into the work of three parts:
  // OtelSpans (the spans), OtelMetrics (the metrics) and OtelContent (what of the content may be
  // emitted, redacted), each readable on its own.

  /** The instrumentation scope name of the tracer and meter. */
  public static final String INSTRUMENTATION_SCOPE = "dev.llmops";

  private final GenAiConventions conventions;
  private final OtelSpans spans;
  private final OtelAgentSpans agentSpans;
  private final OtelMetrics metrics;
  private final Clock clock;
  /**
   * Where this instance keeps a call's state: on the call itself, under a key of its own (so that
   * two instances on one client never share state, and no other listener can reach it). Internal:
   * never in a snapshot or a {@code Completion}.
   */
  private final AttributeKey<CallState> state = AttributeKey.internal("llmops.otel.call_state", CallState.class);
  private final LongAdder inFlight = new LongAdder();

  private OtelInstrumentation(Builder b, OpenTelemetry openTelemetry) {
    this.conventions = b.conventions != null ? b.conventions : GenAiConventions.fromEnvironment(b.environment);
    this.spans = new OtelSpans(openTelemetry.getTracer(INSTRUMENTATION_SCOPE), conventions,
        new OtelContent(b.captureContent, b.redactor, conventions));
    this.metrics = new OtelMetrics(openTelemetry.getMeter(INSTRUMENTATION_SCOPE), conventions);
    this.clock = b.clock;
    this.agentSpans = new OtelAgentSpans(openTelemetry.getTracer(INSTRUMENTATION_SCOPE), b.clock);
  }

  /**
   * Instrumentation over {@link GlobalOpenTelemetry#get()} (what the OpenTelemetry Java agent or
   * the SDK's autoconfigure registered), with the defaults of {@link #builder()}.
   */
  public static OtelInstrumentation create() {
    return builder().build();
  }

  /**
   * Instrumentation with the defaults: conventions from {@code OTEL_SEMCONV_STABILITY_OPT_IN}, no
   * content capture, {@link Redactor#defaults()}, the system clock.
   */
  public static OtelInstrumentation create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * A builder over {@link GlobalOpenTelemetry#get()}, read when {@link Builder#build()} runs. If
   * nothing was registered by then, that is the no-op instance, and {@code GlobalOpenTelemetry}
   * keeps it: register the SDK first, or pass it to {@link #builder(OpenTelemetry)}.
   */
  public static Builder builder() {
    return new Builder(null);
  }

  /** A builder over {@code openTelemetry}. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
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
    return fromSettings(builder(openTelemetry), settings, redactor, clock, environment);
  }

  private static OtelInstrumentation fromSettings(
      Builder b, TelemetrySettings settings, Redactor redactor, Clock clock, Function<String, @Nullable String> environment) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(environment, "environment");
    b.captureContent(settings.captureContent()).redactor(redactor).clock(clock).environment(environment::apply);
    switch (settings.conventions()) {
      case V1_41 -> b.conventions(GenAiConventions.V1_41);
      case LATEST -> b.conventions(GenAiConventions.LATEST);
      case ENVIRONMENT -> { }
    }
    return b.build();
  }

  /**
   * The factory to bind for configuration files over {@link GlobalOpenTelemetry#get()}: {@code
   * ConfigBindings.builder().telemetry(OtelInstrumentation.factory())}. The global instance is
   * read each time a configuration with telemetry on is assembled (see {@link #builder()}).
   */
  public static TelemetryFactory factory() {
    return (TelemetrySettings settings, Redactor redactor, Clock clock, Function<String, @Nullable String> environment) ->
        fromSettings(builder(), settings, redactor, clock, environment);
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

  /** Starts the run's {@code invoke_agent} span. */
  @Override
  public void runStart(RunInfo run) {
    agentSpans.start(run);
  }

  /** Makes the run's span current while the agent starts a model call: the call's span is its child. */
  @Override
  public CallListener.Scope runScope(RunInfo run) {
    return agentSpans.scope(run);
  }

  /** Starts the {@code execute_tool} span, a child of the run's. */
  @Override
  public void toolStart(ToolExecutionInfo tool) {
    agentSpans.toolStart(tool);
  }

  @Override
  public void toolEnd(ToolExecutionInfo tool, String outcome, @Nullable Throwable error) {
    agentSpans.toolEnd(tool, outcome, error);
  }

  @Override
  public void runEnd(RunInfo run, RunOutcome outcome) {
    agentSpans.end(run, outcome);
  }

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

  /**
   * The call's span starts with the first attempt (its model is known only then). A second
   * attempt makes the call one with attempt spans: the first attempt's span is made from what was
   * remembered of it, and each further attempt gets its own.
   */
  @Override
  public void attemptStart(AttemptInfo attempt) {
    CallState st = running(attempt.call());
    if (st == null) {
      return;
    }
    st.lastEndpoint = attempt.endpoint();
    if (++st.attempts == 1) {
      st.model = attempt.model();
      st.firstEndpoint = attempt.endpoint();
      st.firstStart = attempt.startedAt();
      st.span = spans.startCall(attempt.call(), st, attempt.request(), attempt.endpoint());
      publishIds(attempt.call(), st.span);
      return;
    }
    CallState.AttemptOutcome first = st.firstOutcome;
    if (first != null) {
      Span firstSpan = spans.startAttempt(st, Objects.requireNonNull(st.firstEndpoint),
          Objects.requireNonNull(st.model), 1, Objects.requireNonNull(st.firstStart));
      spans.endAttempt(firstSpan, first);
      st.firstOutcome = null;
    }
    st.current = spans.startAttempt(st, attempt.endpoint(), attempt.model(), attempt.number(), attempt.startedAt());
    publishIds(attempt.call(), st.current);
  }

  /**
   * Gives the call the ids of its current span, for what llmops-core logs on its behalf (the MDC's
   * {@code llmops.trace_id} and {@code llmops.span_id}); an invalid (unsampled no-op) span has none.
   */
  private static void publishIds(CallInfo call, @Nullable Span span) {
    SpanContext ids = span == null ? SpanContext.getInvalid() : span.getSpanContext();
    if (ids.isValid()) {
      call.attributes().put(RedactingLogger.CallMdc.TRACE_ID_ATTRIBUTE, ids.getTraceId());
      call.attributes().put(RedactingLogger.CallMdc.SPAN_ID_ATTRIBUTE, ids.getSpanId());
    }
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
    st.timeToFirstChunk = seconds(attempt.call().startedAt(), clock.instant());
  }

  @Override
  public void attemptEnd(AttemptInfo attempt, ChatResponse response) {
    attemptDone(attempt, response, null);
  }

  @Override
  public void attemptFailed(AttemptInfo attempt, Throwable error) {
    attemptDone(attempt, null, unwrap(error));
  }

  /** Ends the attempt's span; the first attempt's outcome is kept until a second attempt starts. */
  private void attemptDone(AttemptInfo attempt, @Nullable ChatResponse response, @Nullable Throwable error) {
    CallState st = running(attempt.call());
    if (st == null) {
      return;
    }
    CallState.AttemptOutcome outcome = new CallState.AttemptOutcome(clock.instant(), response, error);
    Span current = st.current;
    if (current != null) {
      spans.endAttempt(current, outcome);
      st.current = null;
    } else if (st.attempts == 1) {
      st.firstOutcome = outcome;
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

  /** The state of a call that ends now, marked ended; null if it is not running. */
  private @Nullable CallState ending(CallInfo call) {
    CallState st = running(call);
    if (st != null) {
      st.ended = true;
      inFlight.decrement();
    }
    return st;
  }

  /**
   * Ends the call's span (starting it now for a call that reached no model) and records the
   * call's metrics; the error's type and the call's cost are read once for both.
   */
  private void endCall(CallInfo call, CallState st, @Nullable ChatResponse response, @Nullable Throwable error) {
    Instant end = clock.instant();
    Span span = st.span;
    if (span == null) {
      span = spans.startCall(call, st, call.originalRequest(), call.originalRequest().model());
    }
    Cost cost = call.attributes().getOrNull(Cost.KEY);
    Money total = cost == null ? null : cost.total();
    BigDecimal usd = total == null ? null : total.amount();
    String errorType = response == null && error != null ? OtelSpans.errorType(error) : null;
    spans.endCall(span, call, st, usd, response, error, errorType, end);
    metrics.recordCall(call, st, response, error, errorType, usd, seconds(call.startedAt(), end));
    st.release();
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static double seconds(Instant from, Instant to) {
    Duration d = Duration.between(from, to);
    return d.getSeconds() + d.getNano() / 1e9;
  }

  /** Builds an {@link OtelInstrumentation}. Not thread-safe. */
  public static final class Builder {
    /** Null: {@link GlobalOpenTelemetry#get()}, read by {@link #build()}. */
    private final @Nullable OpenTelemetry openTelemetry;
    private @Nullable GenAiConventions conventions;
    private GenAiConventions.Environment environment = System::getenv;
    private boolean captureContent;
    private Redactor redactor = Redactor.defaults();
    private Clock clock = Clock.systemUTC();

    private Builder(@Nullable OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
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

    /**
     * Builds the instrumentation; its tracer and meter are created now, from the {@code
     * OpenTelemetry} given to the builder or else from {@link GlobalOpenTelemetry#get()}.
     */
    public OtelInstrumentation build() {
      return new OtelInstrumentation(this, openTelemetry != null ? openTelemetry : GlobalOpenTelemetry.get());
    }
  }
}
