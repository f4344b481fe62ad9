package dev.llmops.spring.boot;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Cost;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmTimeoutException;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.Money;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.core.redaction.Redactor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * Call metrics through a Micrometer {@link MeterRegistry}, for applications that use Micrometer
 * rather than the OpenTelemetry API. The meters carry the names and attributes of {@code
 * llmops-otel}'s metrics under the GenAI conventions' default (v1.41) generation:
 *
 * <ul>
 *   <li>{@code gen_ai.client.operation.duration} (timer; its count is the number of calls),
 *   <li>{@code gen_ai.client.operation.time_to_first_chunk} (timer, streamed calls),
 *   <li>{@code gen_ai.client.token.usage} (distribution summary in tokens, {@code gen_ai.token.type}
 *       {@code input} or {@code output}; calls with a response),
 *   <li>{@code llmops.client.cost} (counter in US dollars, by {@code gen_ai.request.model}),
 *   <li>{@code llmops.client.budget.rejections} (counter, by {@code llmops.rejection.reason}).
 * </ul>
 *
 * <p>The duration and token meters are tagged {@code gen_ai.operation.name}, {@code
 * gen_ai.provider.name}, {@code gen_ai.request.model}, {@code gen_ai.response.model}, {@code
 * server.address}, {@code server.port} and {@code error.type}. Unlike OpenTelemetry attributes,
 * Micrometer tags of one meter name must always have the same keys (Prometheus refuses otherwise),
 * so a tag with no value reads {@code none} (as Spring's own {@code exception} tag does). All tags
 * have few values (providers, models, error types); the tenant is added to the cost and rejection
 * meters only when asked ({@link Builder#tenantTag}), redacted, because tenants can be many.
 * Prometheus shows the names in its own form ({@code gen_ai_client_operation_duration_seconds},
 * {@code llmops_client_cost_usd_total}).
 *
 * <p>Thread-safe; it follows the {@link CallListener} contract (fast, never throws). Durations are
 * read on the clock given to the builder, which must be the client's (both default to the system
 * clock).
 */
public final class MicrometerCallListener implements CallListener {
  static final String NONE = "none";
  static final String OTHER_PROVIDER = "_OTHER";

  private final MeterRegistry registry;
  private final Clock clock;
  private final boolean tenantTag;
  private final Redactor redactor;
  private final AttributeKey<State> state = AttributeKey.internal("llmops.micrometer.call_state", State.class);

  private MicrometerCallListener(Builder b) {
    this.registry = b.registry;
    this.clock = b.clock;
    this.tenantTag = b.tenantTag;
    this.redactor = b.redactor;
  }

  /** A listener recording into {@code registry} with the defaults of {@link #builder}. */
  public static MicrometerCallListener create(MeterRegistry registry) {
    return builder(registry).build();
  }

  /**
   * A builder recording into {@code registry}: system clock, no tenant tag, {@link
   * Redactor#defaults()} for the tenant when it is tagged.
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  @Override
  public void callStart(CallInfo call) {
    call.attributes().put(state, new State());
  }

  @Override
  public void attemptStart(AttemptInfo attempt) {
    State st = attempt.call().attributes().getOrNull(state);
    if (st != null && st.model == null) {
      st.model = attempt.model();
    }
  }

  @Override
  public void firstChunk(AttemptInfo attempt, ChatChunk chunk) {
    State st = attempt.call().attributes().getOrNull(state);
    if (st != null && st.firstChunk == null) {
      st.firstChunk = Duration.between(attempt.call().startedAt(), clock.instant());
    }
  }

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    record(call, response, null);
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    record(call, null, unwrap(error));
  }

  private void record(CallInfo call, @Nullable ChatResponse response, @Nullable Throwable error) {
    State st = call.attributes().getOrNull(state);
    if (st == null || st.ended) {
      return;
    }
    st.ended = true;
    Duration took = Duration.between(call.startedAt(), clock.instant());
    ModelInfo model = st.model;
    String requestModel = model != null ? model.modelId() : orNone(call.originalRequest().model());
    Tags base = Tags.of(
        "gen_ai.operation.name", "chat",
        "gen_ai.provider.name", model != null ? model.provider() : OTHER_PROVIDER,
        "gen_ai.request.model", requestModel,
        "gen_ai.response.model", response == null || response.model().isEmpty() ? NONE : response.model(),
        "server.address", model == null ? NONE : orNone(model.serverAddress()),
        "server.port", model == null || model.serverPort() <= 0 ? NONE : Integer.toString(model.serverPort()),
        "error.type", response == null && error != null ? errorType(error) : NONE);
    Timer.builder("gen_ai.client.operation.duration")
        .description("Duration of GenAI client operations.")
        .tags(base)
        .register(registry)
        .record(took.isNegative() ? Duration.ZERO : took);
    Duration firstChunk = st.firstChunk;
    if (firstChunk != null) {
      Timer.builder("gen_ai.client.operation.time_to_first_chunk")
          .description("Time from the request until the first chunk of a streamed response.")
          .tags(base)
          .register(registry)
          .record(firstChunk.isNegative() ? Duration.ZERO : firstChunk);
    }
    if (response != null) {
      tokens(base, "input").record((double) response.usage().inputTokens());
      tokens(base, "output").record((double) response.usage().outputTokens());
    }
    Cost cost = call.attributes().getOrNull(Cost.KEY);
    Money total = cost == null ? null : cost.total();
    if (total != null) {
      // A counter holds a double: for dashboards; the ledger keeps the exact amount.
      Counter.builder("llmops.client.cost")
          .description("Cost of calls in US dollars (for dashboards; the ledger holds exact amounts).")
          .baseUnit("usd")
          .tags(withTenant(Tags.of("gen_ai.request.model", requestModel), call))
          .register(registry)
          .increment(total.amount().doubleValue());
    }
    if (error instanceof BudgetExceededException || error instanceof QuotaExhaustedException) {
      Counter.builder("llmops.client.budget.rejections")
          .description("Calls rejected by a budget or quota before reaching a model.")
          .baseUnit("calls")
          .tags(withTenant(Tags.of("llmops.rejection.reason", error.getClass().getSimpleName()), call))
          .register(registry)
          .increment();
    }
  }

  private DistributionSummary tokens(Tags base, String type) {
    return DistributionSummary.builder("gen_ai.client.token.usage")
        .description("Number of input and output tokens used.")
        .baseUnit("tokens")
        .tags(base.and("gen_ai.token.type", type))
        .register(registry);
  }

  private Tags withTenant(Tags tags, CallInfo call) {
    if (!tenantTag) {
      return tags;
    }
    String tenant = call.context().tenant();
    return tags.and("llmops.tenant", tenant == null ? NONE : redactor.redact(tenant));
  }

  /** {@code error.type}: a short, bounded name of what went wrong, as the OpenTelemetry metrics give it. */
  static String errorType(Throwable error) {
    if (error instanceof CancellationException) {
      return "cancelled";
    }
    if (error instanceof LlmTimeoutException) {
      return "timeout";
    }
    if (error instanceof LlmException e) {
      String code = e.details().errorCode();
      if (!code.isEmpty() && code.length() <= 64) {
        return code;
      }
      if (e.httpStatus() > 0) {
        return Integer.toString(e.httpStatus());
      }
    }
    return error.getClass().getName();
  }

  private static String orNone(@Nullable String value) {
    return value == null || value.isEmpty() ? NONE : value;
  }

  /** The cause a {@link CompletionException} wraps, as the call's error. */
  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** One call's metric state; events of one call never run concurrently, so plain fields do. */
  private static final class State {
    @Nullable ModelInfo model;
    @Nullable Duration firstChunk;
    boolean ended;
  }

  /** Builds a {@link MicrometerCallListener}. Not thread-safe; the listener it builds is. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Clock clock = Clock.systemUTC();
    private boolean tenantTag;
    private Redactor redactor = Redactor.defaults();

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * The clock durations are read on: the client's (default the system clock).
     *
     * @param clock the client's clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether the cost and rejection meters carry the tenant tag (default false).
     *
     * @param tenantTag true to add {@code llmops.tenant}
     * @return this builder
     */
    public Builder tenantTag(boolean tenantTag) {
      this.tenantTag = tenantTag;
      return this;
    }

    /**
     * The redactor applied to the tenant before it becomes a tag (default {@link Redactor#defaults()}).
     *
     * @param redactor the configured redactor
     * @return this builder
     */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /**
     * The listener; add it to the client with {@code LlmClient.Builder.listener}.
     *
     * @return a new listener
     */
    public MicrometerCallListener build() {
      return new MicrometerCallListener(this);
    }
  }
}
