package dev.llmops.core;

import dev.llmops.api.AttributeKey;
import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallMode;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Interceptor;
import dev.llmops.api.StreamHandler;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.AccountingStep;
import dev.llmops.core.accounting.CostGate;
import dev.llmops.core.accounting.Endpoints;
import dev.llmops.core.budget.BudgetStep;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.internal.DaemonScheduler;
import dev.llmops.core.internal.ListenerDispatcher;
import dev.llmops.core.internal.Pipeline;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.core.resilience.ResilienceInterceptor;
import dev.llmops.core.prompt.PromptRegistry;
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
  /** Whether a prompt step is in the pipeline (asked on every prompt call). */
  private final boolean prompts;

  private LlmClient(Builder b, Pipeline pipeline, TaskScheduler scheduler, List<PipelineStep> stepOrder) {
    this.pipeline = pipeline;
    this.clock = b.clock;
    this.scheduler = scheduler;
    this.closeables = List.copyOf(b.closeables);
    this.stepOrder = stepOrder;
    this.prompts = stepOrder.contains(PipelineStep.PROMPT);
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

  /** Whether the pipeline has a prompt step, which {@code prompt(name)} calls need. */
  boolean hasPromptStep() {
    return prompts;
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
    private @Nullable Resilience resilience;
    private @Nullable Accounting accounting;
    private @Nullable Budgets budgets;
    private @Nullable ResponseCache cache;
    private @Nullable Experiments experiments;

    private Builder() {}

    /**
     * Turns on token and cost accounting: one ledger record per attempt, the call's cost as the
     * attribute {@code Cost.KEY} (installed in the {@link PipelineStep#ACCOUNTING} step).
     */
    public Builder accounting(Accounting accounting) {
      this.accounting = Objects.requireNonNull(accounting, "accounting");
      return this;
    }

    /**
     * Turns on budgets and rate limits (the {@link PipelineStep#ADMISSION} step); implies
     * accounting, with {@link Accounting#create()} unless {@link #accounting} is set.
     */
    public Builder budgets(Budgets budgets) {
      this.budgets = Objects.requireNonNull(budgets, "budgets");
      return this;
    }

    /**
     * Turns on the exact-match response cache (the {@link PipelineStep#CACHE} step); implies
     * accounting, with {@link Accounting#create()} unless {@link #accounting} is set.
     */
    public Builder cache(ResponseCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
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

    /**
     * Turns on resilience (deadline, attempt timeout, retries honouring {@code Retry-After},
     * circuit breakers, bulkheads, fallback endpoints) as the {@link PipelineStep#RESILIENCE}
     * step; calling it again replaces the configuration. The step runs on this client's clock and
     * scheduler, with one circuit breaker and bulkhead per endpoint for the client's lifetime.
     */
    public Builder resilience(Resilience resilience) {
      this.resilience = Objects.requireNonNull(resilience, "resilience");
      return this;
    }

    /**
     * Installs a prompt registry as the {@link PipelineStep#PROMPT} step, so that {@link
     * LlmClient#prompt} calls are resolved, rendered and fingerprinted.
     */
    public Builder prompts(PromptRegistry registry) {
      return step(PipelineStep.PROMPT, Objects.requireNonNull(registry, "registry").interceptor());
    }

    /**
     * Installs experiments (A/B tests, canaries, shadow traffic) in the {@link
     * PipelineStep#EXPERIMENT} step. At {@link #build()} every variant's model endpoint is checked
     * against the registered endpoints, and shadow calls are wired to go through this client
     * (tagged {@code llmops.shadow=true}, so every step sees and can account them apart).
     *
     * @throws IllegalStateException if experiments were already installed
     */
    public Builder experiments(Experiments experiments) {
      Objects.requireNonNull(experiments, "experiments");
      if (this.experiments != null) {
        throw new IllegalStateException("experiments are already installed; put all experiments in one Experiments");
      }
      this.experiments = experiments;
      return step(PipelineStep.EXPERIMENT, experiments.interceptor());
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
     * @throws dev.llmops.api.ConfigurationException if an experiment variant names an unknown endpoint
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
      EnumMap<PipelineStep, List<Interceptor>> allSteps = new EnumMap<>(steps);
      allSteps.replaceAll((step, list) -> new ArrayList<>(list));
      List<CallListener> allListeners = new ArrayList<>(listeners);
      TaskScheduler sched = scheduler;
      if (sched == null) {
        DaemonScheduler own = new DaemonScheduler();
        closeables.add(own);
        sched = own;
      }
      installCostSteps(def, sched, allSteps, allListeners);
      Resilience r = resilience;
      if (r != null) {
        ResilienceInterceptor step = r.newInterceptor(clock, sched, def, models.keySet());
        allSteps.computeIfAbsent(PipelineStep.RESILIENCE, s -> new ArrayList<>()).add(step);
        allListeners.add(step); // returns permits and drops timers of calls cancelled from outside
      }
      List<Interceptor> chain = new ArrayList<>();
      List<PipelineStep> order = new ArrayList<>();
      for (PipelineStep step : PipelineStep.values()) {
        List<Interceptor> here = allSteps.get(step);
        if (here != null) {
          chain.addAll(here);
          order.add(step);
        }
      }
      Pipeline pipeline = new Pipeline(chain, models, def, new ListenerDispatcher(allListeners), clock);
      LlmClient client = new LlmClient(this, pipeline, sched, Collections.unmodifiableList(order));
      Experiments exp = experiments;
      if (exp != null) {
        // Shadow calls go through this same client, so every step sees them (tagged as shadow).
        exp.bind(models.keySet(), clock, sched, (request, context, attributes) -> {
          CallBuilder call = client.request(request).context(context);
          attributes.forEach((key, value) -> putAttribute(call, key, value));
          return call.callAsync();
        });
      }
      return client;
    }

    private static <T> void putAttribute(CallBuilder call, AttributeKey<T> key, Object value) {
      call.attribute(key, key.type().cast(value));
    }

    /** Installs accounting, budgets and the cache: each is one interceptor (and listener) per client. */
    private void installCostSteps(
        String defaultEndpoint, TaskScheduler sched, EnumMap<PipelineStep, List<Interceptor>> steps, List<CallListener> listeners) {
      if (accounting == null && budgets == null && cache == null) {
        return;
      }
      Accounting acc = accounting != null ? accounting : Accounting.create();
      Map<String, ModelInfo> infos = new LinkedHashMap<>();
      models.forEach((name, model) -> infos.put(name, model.info()));
      Endpoints endpoints = new Endpoints(infos, defaultEndpoint);
      CostGate gate = CostGate.NONE;
      if (budgets != null) {
        BudgetStep admission = budgets.attach(endpoints, acc, clock, sched);
        steps.computeIfAbsent(PipelineStep.ADMISSION, s -> new ArrayList<>()).add(admission);
        gate = admission;
      }
      if (cache != null) {
        steps.computeIfAbsent(PipelineStep.CACHE, s -> new ArrayList<>()).add(cache.attach(endpoints, acc, clock));
      }
      AccountingStep step = acc.attach(endpoints, clock, gate);
      // First in its slot, so an application's attempt interceptors run below it, once per attempt.
      steps.computeIfAbsent(PipelineStep.ACCOUNTING, s -> new ArrayList<>()).add(0, step);
      // First among listeners, so the cost is on the call before other listeners see the attempt end.
      listeners.add(0, step);
    }
  }
}
