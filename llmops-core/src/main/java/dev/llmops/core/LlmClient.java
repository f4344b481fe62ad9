package dev.llmops.core;

import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Interceptor;
import dev.llmops.api.StreamHandler;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.internal.DaemonScheduler;
import dev.llmops.core.internal.ListenerDispatcher;
import dev.llmops.core.internal.Pipeline;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The client every LLM call goes through. Each call runs the pipeline of {@link PipelineStep}s in
 * their fixed order, then the model endpoint the request names; the same asynchronous pipeline
 * serves blocking, {@code CompletableFuture} and streaming calls, and no thread waits while a call
 * is in flight.
 *
 * <pre>{@code
 * LlmClient client = LlmClient.builder()
 *     .model("fast", fastModel)
 *     .listener(myListener)
 *     .build();
 * Completion answer = client.chat(ChatRequest.of("Hello"));
 * }</pre>
 *
 * <p>Immutable and thread-safe; build one per application and share it. {@link #close()} releases
 * the scheduler thread the client started, if it started one.
 */
public final class LlmClient implements AutoCloseable {
  private static final RedactingLogger LOG = RedactingLogger.of(LlmClient.class);

  private final Pipeline pipeline;
  private final Clock clock;
  private final TaskScheduler scheduler;
  private final List<AutoCloseable> closeables;
  private final List<PipelineStep> stepOrder;

  private LlmClient(Builder b, Pipeline pipeline, TaskScheduler scheduler, List<PipelineStep> stepOrder) {
    this.pipeline = pipeline;
    this.clock = b.clock;
    this.scheduler = scheduler;
    this.closeables = List.copyOf(b.closeables);
    this.stepOrder = stepOrder;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Sets up a call for {@code request}, to add a context or attributes before making it. */
  public CallBuilder request(ChatRequest request) {
    return new CallBuilder(pipeline, request);
  }

  /**
   * Makes a call and waits for it.
   *
   * @throws dev.llmops.api.LlmException the call's failure, typed
   */
  public Completion chat(ChatRequest request) {
    return request(request).call();
  }

  /** Makes a call for {@code context} and waits for it. */
  public Completion chat(ChatRequest request, CallContext context) {
    return request(request).context(context).call();
  }

  /** Makes a call without waiting; cancelling the future cancels the call. */
  public CompletableFuture<Completion> chatAsync(ChatRequest request) {
    return request(request).callAsync();
  }

  /** Makes a call for {@code context} without waiting. */
  public CompletableFuture<Completion> chatAsync(ChatRequest request, CallContext context) {
    return request(request).context(context).callAsync();
  }

  /** Streams a call, delivering chunks to {@code handler}. */
  public StreamingCall stream(ChatRequest request, StreamHandler handler) {
    return request(request).stream(handler);
  }

  /** Streams a call for {@code context}, delivering chunks to {@code handler}. */
  public StreamingCall stream(ChatRequest request, CallContext context, StreamHandler handler) {
    return request(request).context(context).stream(handler);
  }

  /** The clock every time-dependent step of this client reads. */
  public Clock clock() {
    return clock;
  }

  /** The scheduler every delay of this client runs on. */
  public TaskScheduler scheduler() {
    return scheduler;
  }

  /** The registered model endpoints by name. */
  public Map<String, ChatModel> endpoints() {
    return pipeline.endpoints();
  }

  /** The endpoint a request with {@code model} goes to: that name, or the default when null. */
  public String endpointFor(@Nullable String model) {
    return pipeline.endpointName(model);
  }

  /** The steps that have interceptors, in the order a call passes them (outermost first). */
  public List<PipelineStep> steps() {
    return stepOrder;
  }

  /** How many times a listener threw (each was caught; the calls went on). */
  public long listenerFailures() {
    return pipeline.listenerFailures();
  }

  /**
   * Releases what the client owns: the default scheduler's thread and the resources registered
   * with {@link Builder#closeOnClose}. Calls in flight are not waited for.
   */
  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", c.getClass().getName(), e);
      }
    }
  }

  /** Builds an {@link LlmClient}. Setters validate at once; {@link #build()} checks the whole. */
  public static final class Builder {
    private final Map<String, ChatModel> models = new LinkedHashMap<>();
    private @Nullable String defaultModel;
    private final EnumMap<PipelineStep, List<Interceptor>> steps = new EnumMap<>(PipelineStep.class);
    private final List<CallListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private @Nullable TaskScheduler scheduler;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private Builder() {}

    /**
     * Registers a model endpoint under {@code name}. The first one registered is the default
     * unless {@link #defaultModel} says otherwise.
     *
     * @throws IllegalArgumentException if the name is blank or already registered
     */
    public Builder model(String name, ChatModel model) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(model, "model");
      if (name.isBlank()) {
        throw new IllegalArgumentException("model endpoint name must not be blank");
      }
      if (models.putIfAbsent(name, model) != null) {
        throw new IllegalArgumentException("model endpoint '" + name + "' is already registered");
      }
      return this;
    }

    /** Names the endpoint for requests that name none. */
    public Builder defaultModel(String name) {
      this.defaultModel = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Adds an application interceptor, in the {@link PipelineStep#APPLICATION} step. */
    public Builder interceptor(Interceptor interceptor) {
      return step(PipelineStep.APPLICATION, interceptor);
    }

    /** Adds a per-attempt interceptor, in the {@link PipelineStep#ATTEMPT} step. */
    public Builder attemptInterceptor(Interceptor interceptor) {
      return step(PipelineStep.ATTEMPT, interceptor);
    }

    /**
     * Adds an interceptor to a step of the pipeline. Capabilities (prompts, experiments, budgets,
     * resilience, telemetry) install themselves with this; interceptors of one step run in the
     * order added.
     */
    public Builder step(PipelineStep step, Interceptor interceptor) {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(interceptor, "interceptor");
      steps.computeIfAbsent(step, s -> new ArrayList<>()).add(interceptor);
      return this;
    }

    /** Adds a listener; listeners receive events in the order added. */
    public Builder listener(CallListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Sets the clock (default: {@link Clock#systemUTC()}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the scheduler (default: one daemon thread, started on first use, closed with the client). */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Registers a resource to close when the client closes (a shadow-traffic executor, say). */
    public Builder closeOnClose(AutoCloseable closeable) {
      closeables.add(Objects.requireNonNull(closeable, "closeable"));
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws IllegalStateException if no model endpoint is registered or the default names none
     */
    public LlmClient build() {
      if (models.isEmpty()) {
        throw new IllegalStateException("register at least one model endpoint with model(name, chatModel)");
      }
      String def = defaultModel != null ? defaultModel : models.keySet().iterator().next();
      if (!models.containsKey(def)) {
        throw new IllegalStateException(
            "defaultModel '" + def + "' is not a registered endpoint; registered: " + models.keySet());
      }
      List<Interceptor> chain = new ArrayList<>();
      List<PipelineStep> order = new ArrayList<>();
      for (PipelineStep step : PipelineStep.values()) {
        List<Interceptor> here = steps.get(step);
        if (here != null) {
          chain.addAll(here);
          order.add(step);
        }
      }
      TaskScheduler sched = scheduler;
      if (sched == null) {
        DaemonScheduler own = new DaemonScheduler();
        closeables.add(own);
        sched = own;
      }
      Pipeline pipeline = new Pipeline(chain, models, def, new ListenerDispatcher(listeners), clock);
      return new LlmClient(this, pipeline, sched, Collections.unmodifiableList(order));
    }
  }
}
