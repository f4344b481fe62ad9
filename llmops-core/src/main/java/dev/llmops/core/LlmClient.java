package dev.llmops.core;

import dev.llmops.api.CallContext;
import dev.llmops.api.CallListener;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Interceptor;
import dev.llmops.api.StreamHandler;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.pipeline.Calls;
import dev.llmops.core.pipeline.Capability;
import dev.llmops.core.pipeline.DaemonScheduler;
import dev.llmops.core.pipeline.Endpoints;
import dev.llmops.core.pipeline.ListenerDispatcher;
import dev.llmops.core.pipeline.Pipeline;
import dev.llmops.core.pipeline.Wiring;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.core.sink.SinkStats;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
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
  private final List<Supplier<SinkStats>> sinks;
  private final Map<String, ChatModel> endpoints;
  private final List<PipelineStep> stepOrder;
  /** Whether a prompt step is in the pipeline (asked on every prompt call). */
  private final boolean prompts;

  private LlmClient(
      Pipeline pipeline, Clock clock, TaskScheduler scheduler, Map<String, ChatModel> endpoints,
      List<AutoCloseable> closeables, List<Supplier<SinkStats>> sinks, List<PipelineStep> stepOrder) {
    this.pipeline = pipeline;
    this.clock = clock;
    this.scheduler = scheduler;
    this.endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    this.closeables = List.copyOf(closeables);
    this.sinks = List.copyOf(sinks);
    this.stepOrder = List.copyOf(stepOrder);
    this.prompts = stepOrder.contains(PipelineStep.PROMPT);
  }

  /**
   * The client's listeners as one, for components that run on top of the client and publish
   * their own events ({@link CallListener#runStart}, {@link CallListener#toolStart}, ... of agent
   * runs), so the listeners registered once with the client see them: each event goes to each
   * listener, and one that throws is logged once, counted in {@link #listenerFailures()} and
   * ignored. Thread-safe.
   */
  public CallListener listeners() {
    return pipeline.listeners().runEvents();
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
   * Sets up a call of the registered prompt {@code name}: choose a label or version, add
   * variables, then call. Needs a registry installed with {@link Builder#prompts}.
   */
  public PromptCallBuilder prompt(String name) {
    return new PromptCallBuilder(this, name);
  }

  /**
   * Makes a call and waits for it.
   *
   * @throws dev.llmops.api.LlmException the call's failure, typed
   */
  public Completion chat(ChatRequest request) {
    return chat(request, CallContext.empty());
  }

  /** Makes a call for {@code context} and waits for it. */
  public Completion chat(ChatRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
    return CallBuilder.await(pipeline.start(request, context, CallMode.BLOCKING, StreamHandler.IGNORE, Map.of()));
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

  /** The registered model endpoints by name, in the order registered. */
  public Map<String, ChatModel> endpoints() {
    return endpoints;
  }

  /** The endpoint a request with {@code model} goes to: that name, or the default when null. */
  public String endpointFor(@Nullable String model) {
    return pipeline.endpoints().name(model);
  }

  /** The steps that have interceptors, in the order a call passes them (outermost first). */
  public List<PipelineStep> steps() {
    return stepOrder;
  }

  /** Whether the pipeline has a prompt step, which {@code prompt(name)} calls need. */
  boolean hasPromptStep() {
    return prompts;
  }

  /** How many times a listener threw (each was caught; the calls went on). */
  public long listenerFailures() {
    return pipeline.listenerFailures();
  }

  /**
   * The counters of the sink queues this client owns (the ledger's, when accounting writes to a
   * sink of the application's), one snapshot each: queue depth, drops, failures, retries. Empty
   * when records go to an in-memory ledger or nowhere.
   */
  public List<SinkStats> sinkStats() {
    List<SinkStats> out = new ArrayList<>(sinks.size());
    for (Supplier<SinkStats> s : sinks) {
      out.add(s.get());
    }
    return out;
  }

  /**
   * Releases what the client owns: the sink queues (each flushed, waiting up to its close timeout),
   * the resources registered with {@link Builder#closeOnClose}, then the default scheduler's
   * thread. Calls in flight are not waited for; records they produce later are journaled or
   * dropped, counted, by their queue.
   */
  @Override
  public void close() {
    closeAll(closeables);
  }

  private static void closeAll(List<AutoCloseable> closeables) {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", c.getClass().getName(), e);
      }
    }
  }

  /**
   * Builds an {@link LlmClient}. Applications configure capabilities (prompts, experiments, budgets,
   * cache, resilience, accounting) and hand them over; {@link #build()} installs each into its slot
   * of the pipeline ({@link PipelineStep}). Setters validate at once; {@link #build()} checks the
   * whole. Not thread-safe.
   */
  public static final class Builder {
    private final Map<String, ChatModel> models = new LinkedHashMap<>();
    private @Nullable String defaultModel;
    private final EnumMap<PipelineStep, List<Interceptor>> interceptors = new EnumMap<>(PipelineStep.class);
    private final EnumMap<PipelineStep, Capability> capabilities = new EnumMap<>(PipelineStep.class);
    private final List<CallListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private @Nullable TaskScheduler scheduler;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private @Nullable Accounting accounting;

    private Builder() {}

    /**
     * Turns on token and cost accounting: one ledger record per attempt, the call's cost as the
     * attribute {@code Cost.KEY} (the {@link PipelineStep#ACCOUNTING} step). Calling it again
     * replaces the configuration.
     */
    public Builder accounting(Accounting accounting) {
      this.accounting = Objects.requireNonNull(accounting, "accounting");
      return this;
    }

    /**
     * Turns on budgets and rate limits (the {@link PipelineStep#ADMISSION} step); implies
     * accounting, with {@link Accounting#create()} unless {@link #accounting} is set. Calling it
     * again replaces the configuration.
     */
    public Builder budgets(Budgets budgets) {
      return capability(PipelineStep.ADMISSION, Objects.requireNonNull(budgets, "budgets"));
    }

    /**
     * Turns on the exact-match response cache (the {@link PipelineStep#CACHE} step); implies
     * accounting, with {@link Accounting#create()} unless {@link #accounting} is set. Calling it
     * again replaces the configuration.
     */
    public Builder cache(ResponseCache cache) {
      return capability(PipelineStep.CACHE, Objects.requireNonNull(cache, "cache"));
    }

    /**
     * Turns on resilience (deadline, attempt timeout, retries honouring {@code Retry-After},
     * circuit breakers, bulkheads, fallback endpoints) as the {@link PipelineStep#RESILIENCE}
     * step; calling it again replaces the configuration. The step runs on this client's clock and
     * scheduler, with one circuit breaker and bulkhead per endpoint for the client's lifetime.
     */
    public Builder resilience(Resilience resilience) {
      return capability(PipelineStep.RESILIENCE, Objects.requireNonNull(resilience, "resilience"));
    }

    /**
     * Installs a prompt registry as the {@link PipelineStep#PROMPT} step, so that {@link
     * LlmClient#prompt} calls are resolved, rendered and fingerprinted. Calling it again replaces
     * the registry.
     */
    public Builder prompts(PromptRegistry registry) {
      return capability(PipelineStep.PROMPT, Objects.requireNonNull(registry, "registry"));
    }

    /**
     * Installs experiments (A/B tests, canaries, shadow traffic) in the {@link
     * PipelineStep#EXPERIMENT} step. At {@link #build()} every variant's model endpoint is checked
     * against the registered endpoints, and shadow calls are wired to go through this client
     * (tagged {@code llmops.shadow=true}, so every step sees and can account them apart). One
     * {@code Experiments} serves one client.
     *
     * @throws IllegalStateException if experiments were already installed
     */
    public Builder experiments(Experiments experiments) {
      Objects.requireNonNull(experiments, "experiments");
      if (capabilities.containsKey(PipelineStep.EXPERIMENT)) {
        throw new IllegalStateException("experiments are already installed; put all experiments in one Experiments");
      }
      return capability(PipelineStep.EXPERIMENT, experiments);
    }

    private Builder capability(PipelineStep slot, Capability capability) {
      capabilities.put(slot, capability);
      return this;
    }

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
     * Adds an interceptor of the application's to a slot of the pipeline, after the capability
     * installed there (if any); interceptors of one slot run in the order added. {@link
     * #interceptor} and {@link #attemptInterceptor} are the usual slots; the others serve tests
     * that stand in for a capability.
     */
    public Builder step(PipelineStep step, Interceptor interceptor) {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(interceptor, "interceptor");
      interceptors.computeIfAbsent(step, s -> new ArrayList<>()).add(interceptor);
      return this;
    }

    /** Adds a listener; listeners receive events in the order added, after the capabilities' own. */
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

    /** Registers a resource to close when the client closes (a prompt directory watcher, say). */
    public Builder closeOnClose(AutoCloseable closeable) {
      closeables.add(Objects.requireNonNull(closeable, "closeable"));
      return this;
    }

    /**
     * Builds the client: resolves each endpoint's price once, installs every capability into its
     * slot (accounting first, so that its listener puts the cost on a call before any other
     * listener sees the attempt end), then the application's interceptors and listeners.
     *
     * @throws IllegalStateException if no model endpoint is registered or the default names none
     * @throws dev.llmops.api.ConfigurationException if a capability does not fit the client (an
     *     experiment variant or a fallback naming an unknown endpoint)
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
      // Accounting first: its listener puts the cost on the call before other listeners see an attempt end.
      Map<PipelineStep, Capability> installed = new LinkedHashMap<>();
      Accounting acc = accounting;
      if (acc == null && (capabilities.containsKey(PipelineStep.ADMISSION) || capabilities.containsKey(PipelineStep.CACHE))) {
        acc = Accounting.create();
      }
      if (acc != null) {
        installed.put(PipelineStep.ACCOUNTING, acc);
      }
      installed.putAll(capabilities);
      TaskScheduler sched = scheduler;
      DaemonScheduler ownScheduler = null;
      if (sched == null) {
        ownScheduler = new DaemonScheduler();
        sched = ownScheduler;
      }
      List<AutoCloseable> owned = new ArrayList<>();
      Endpoints endpoints = Endpoints.of(models, def, acc == null ? null : acc.catalog());
      Calls calls = new Calls();
      EnumMap<PipelineStep, List<Interceptor>> slots = new EnumMap<>(PipelineStep.class);
      List<CallListener> allListeners = new ArrayList<>();
      List<Supplier<SinkStats>> sinks = new ArrayList<>();
      for (Map.Entry<PipelineStep, Capability> capability : installed.entrySet()) {
        Wiring wiring = new Wiring(clock, sched, endpoints, calls);
        try {
          capability.getValue().install(wiring);
        } catch (RuntimeException e) {
          // What earlier capabilities opened (a ledger queue's locked journal file) must not outlive a failed build.
          owned.addAll(wiring.closeables());
          closeAll(owned);
          throw e;
        }
        slots.computeIfAbsent(capability.getKey(), s -> new ArrayList<>()).addAll(wiring.interceptors());
        allListeners.addAll(wiring.listeners());
        owned.addAll(wiring.closeables());
        sinks.addAll(wiring.sinkStatsSources());
      }
      interceptors.forEach((slot, list) -> slots.computeIfAbsent(slot, s -> new ArrayList<>()).addAll(list));
      allListeners.addAll(listeners);
      owned.addAll(closeables);
      if (ownScheduler != null) {
        owned.add(ownScheduler); // last: what closes before it may still schedule
      }
      List<Interceptor> chain = new ArrayList<>();
      List<PipelineStep> order = new ArrayList<>();
      for (PipelineStep step : PipelineStep.values()) {
        List<Interceptor> here = slots.get(step);
        if (here != null && !here.isEmpty()) {
          chain.addAll(here);
          order.add(step);
        }
      }
      Pipeline pipeline = new Pipeline(chain, endpoints, new ListenerDispatcher(allListeners), clock);
      calls.bind(pipeline);
      return new LlmClient(pipeline, clock, sched, models, owned, sinks, order);
    }
  }
}
