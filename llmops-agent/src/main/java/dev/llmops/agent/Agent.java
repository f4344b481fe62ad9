package dev.llmops.agent;

import dev.llmops.api.CallContext;
import dev.llmops.api.Message;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.api.ToolChoice;
import dev.llmops.api.ToolDefinition;
import dev.llmops.api.ToolSet;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.core.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs agent loops over an {@link LlmClient}: the model is called with the conversation and the
 * tools; each tool call it makes is validated against the tool's schema and executed as a step of
 * its own; the results go back to the model; until the model answers without calling a tool, a
 * {@link RunLimits limit} is reached, or a tool waits for approval. Every model call is an ordinary
 * call of the client, so prompts' experiments, budgets, cache, resilience, accounting and telemetry
 * all apply to it. After each step the run's {@link RunState} is saved to the {@link RunStore};
 * {@link #resume} carries a run on from its last checkpoint, on any replica.
 *
 * <pre>{@code
 * Agent agent = Agent.builder(client)
 *     .name("support").instructions("You help customers with orders.")
 *     .tools(lookupOrder, refundPolicy)
 *     .limits(RunLimits.builder().maxSteps(10).maxCost(Money.usd("0.20")).build())
 *     .store(store)
 *     .build();
 * RunResult result = agent.run("Where is order 42?");
 * }</pre>
 *
 * <p>A run's model calls follow each other; the tool calls of one answer (parallel tool calls) run
 * at once, up to {@link Builder#maxParallelToolCalls}, and their results go back in the model's
 * order; different runs proceed concurrently. Limits end a run with a status, never an
 * exception; a failing model call ends it {@link RunStatus#FAILED}; only the store's own failures
 * ({@link RunConflictException}, a database error) complete the run's future exceptionally, since
 * the run cannot be carried on safely without its checkpoint. Immutable and thread-safe.
 */
public final class Agent {
  // Package-private: the run loop reads them.
  final LlmClient client;
  final String name;
  final @Nullable String model;
  final String instructions;
  final Map<String, Tool> tools;
  final ToolSet toolSet;
  final RunLimits limits;
  final RunStore store;
  final CallContext context;
  final int maxParallelToolCalls;
  final @Nullable Executor toolExecutor;
  final ToolPayloads storeToolPayloads;
  private final Redactor redactor;
  /** The model the agent calls, or null when the client has no such endpoint. */
  final @Nullable ModelInfo modelInfo;
  /** Its price in the agent's catalog, or null: a money limit then cannot be reserved against. */
  final @Nullable ModelPrice price;
  /** A safe upper bound of the tokens the tool definitions add to every model call's input. */
  final long toolsTokenBound;
  private final Supplier<String> runIds;

  private Agent(Builder b) {
    this.client = b.client;
    this.name = b.name;
    this.model = b.model;
    this.instructions = b.instructions;
    this.tools = Map.copyOf(b.tools);
    List<ToolDefinition> defs = new ArrayList<>();
    b.tools.values().forEach(t -> defs.add(t.definition()));
    this.toolSet = defs.isEmpty() ? ToolSet.NONE : new ToolSet(defs, b.toolChoice, null);
    this.limits = b.limits;
    this.store = b.store;
    this.context = b.context;
    this.maxParallelToolCalls = b.maxParallelToolCalls;
    this.toolExecutor = b.toolExecutor;
    this.storeToolPayloads = b.storeToolPayloads;
    this.redactor = b.redactor;
    this.runIds = b.runIds;
    ModelInfo info = null;
    try {
      ChatModel chatModel = client.endpoints().get(client.endpointFor(model));
      info = chatModel == null ? null : chatModel.info();
    } catch (RuntimeException e) {
      info = null; // no such endpoint: the model calls fail as ordinary calls of the client do
    }
    this.modelInfo = info;
    this.price = info == null ? null : b.prices.find(info.provider(), info.modelId()).orElse(null);
    long bound = 0;
    for (ToolDefinition d : defs) {
      bound += TokenCounter.upperBound(d.name()) + TokenCounter.upperBound(d.description())
          + TokenCounter.upperBound(d.parametersSchemaJson()) + 16;
    }
    this.toolsTokenBound = bound;
  }

  /**
   * The message as the store keeps it under {@link ToolPayloads#REDACTED}: tool call arguments and
   * tool results redacted, anything else as it is; the same instance when nothing was found.
   */
  Message redactToolPayloads(Message m) {
    if (m.role() == Role.TOOL) {
      String content = redactor.redact(m.content());
      return content.equals(m.content()) ? m : new Message(Role.TOOL, content, m.toolCalls(), m.toolCallId(), m.toolError());
    }
    if (m.toolCalls().isEmpty()) {
      return m;
    }
    List<ToolCall> calls = new ArrayList<>(m.toolCalls().size());
    boolean changed = false;
    for (ToolCall c : m.toolCalls()) {
      String args = redactor.redact(c.argumentsJson());
      changed |= !args.equals(c.argumentsJson());
      calls.add(args.equals(c.argumentsJson()) ? c : new ToolCall(c.id(), c.name(), args));
    }
    return changed ? new Message(m.role(), m.content(), calls, m.toolCallId()) : m;
  }

  /** A builder of agents over {@code client}. */
  public static Builder builder(LlmClient client) {
    return new Builder(client);
  }

  /** The agent's name, as spans and the store show it. */
  public String name() {
    return name;
  }

  /** The limits of each run. */
  public RunLimits limits() {
    return limits;
  }

  /** The store of runs' checkpoints. */
  public RunStore store() {
    return store;
  }

  /** Starts a run with a new id on the user's {@code input} and waits for it to finish or pause. */
  public RunResult run(String input) {
    return join(runAsync(runIds.get(), input));
  }

  /**
   * Starts the run {@code runId} on {@code input} and waits for it to finish or pause.
   *
   * @throws RunConflictException if the store already has a run with this id
   */
  public RunResult run(String runId, String input) {
    return join(runAsync(runId, input));
  }

  /** Starts the run {@code runId} on {@code input} without waiting. */
  public CompletableFuture<RunResult> runAsync(String runId, String input) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(input, "input");
    return loop().start(runId, input);
  }

  /**
   * Carries the run on from its last checkpoint (after a crash, on any replica) and waits. A
   * finished or paused run is returned as it is. A tool execution the crash left unrecorded runs
   * again if the tool is {@link Tool#idempotent()}; otherwise the run pauses {@link
   * RunStatus#AWAITING_DECISION}.
   *
   * @throws java.util.NoSuchElementException if the store has no run {@code runId}
   */
  public RunResult resume(String runId) {
    return join(resumeAsync(runId));
  }

  /** {@link #resume} without waiting. */
  public CompletableFuture<RunResult> resumeAsync(String runId) {
    return loop().resume(runId);
  }

  /**
   * Approves the tool call the run waits for and carries the run on.
   *
   * @throws IllegalStateException if the run does not wait for approval of {@code toolCallId}
   */
  public RunResult approve(String runId, String toolCallId) {
    return join(loop().approve(runId, toolCallId, null));
  }

  /**
   * Rejects the tool call the run waits for: the model reads {@code rejected: <reason>} as its
   * result, and the run goes on.
   *
   * @throws IllegalStateException if the run does not wait for approval of {@code toolCallId}
   */
  public RunResult reject(String runId, String toolCallId, String reason) {
    return join(loop().approve(runId, toolCallId, Objects.requireNonNull(reason, "reason")));
  }

  /**
   * Settles a tool execution a crash left unrecorded, and carries the run on.
   *
   * @throws IllegalStateException if the run does not wait for a decision on {@code toolCallId}
   */
  public RunResult decide(String runId, String toolCallId, Decision decision) {
    return join(loop().decide(runId, toolCallId, decision));
  }

  private RunLoop loop() {
    return new RunLoop(this);
  }

  private static RunResult join(CompletableFuture<RunResult> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Builds an {@link Agent}. Not thread-safe. */
  public static final class Builder {
    private final LlmClient client;
    private String name = "agent";
    private @Nullable String model;
    private String instructions = "";
    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private @Nullable ToolChoice toolChoice;
    private RunLimits limits = RunLimits.DEFAULTS;
    private RunStore store = RunStore.inMemory();
    private CallContext context = CallContext.empty();
    private Supplier<String> runIds = () -> UUID.randomUUID().toString();
    private int maxParallelToolCalls = 8;
    private @Nullable Executor toolExecutor;
    private ToolPayloads storeToolPayloads = ToolPayloads.REDACTED;
    private Redactor redactor = Redactor.defaults();
    private PriceCatalog prices = PriceCatalog.bundled();

    private Builder(LlmClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The agent's name (default {@code agent}). */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /** The client's model endpoint the agent calls (default: the client's default). */
    public Builder model(@Nullable String model) {
      this.model = model;
      return this;
    }

    /** The system prompt at the head of every run (default: none). */
    public Builder instructions(String instructions) {
      this.instructions = Objects.requireNonNull(instructions, "instructions");
      return this;
    }

    /**
     * Adds tools.
     *
     * @throws IllegalArgumentException if two tools share a name
     */
    public Builder tools(Tool... tools) {
      for (Tool t : tools) {
        Objects.requireNonNull(t, "tool");
        if (this.tools.putIfAbsent(t.name(), t) != null) {
          throw new IllegalArgumentException("two tools are named '" + t.name() + "'");
        }
      }
      return this;
    }

    /** The tool choice sent with every model call (default: the provider's, auto). */
    public Builder toolChoice(ToolChoice toolChoice) {
      this.toolChoice = Objects.requireNonNull(toolChoice, "toolChoice");
      return this;
    }

    /** The limits of each run (default {@link RunLimits#DEFAULTS}). */
    public Builder limits(RunLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Where checkpoints go (default: {@link RunStore#inMemory()}). */
    public Builder store(RunStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Who the runs' model calls are for: tenant, subject, feature (default: empty). */
    public Builder context(CallContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /** Where {@link Agent#run(String)} takes new run ids (default: random UUIDs). */
    public Builder runIds(Supplier<String> runIds) {
      this.runIds = Objects.requireNonNull(runIds, "runIds");
      return this;
    }

    /**
     * How many tool calls of one model answer may run at once (default 8; 1 runs them one after the
     * other). Their results go back to the model in the order it made the calls, whatever order
     * they end in.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxParallelToolCalls(int maxParallelToolCalls) {
      if (maxParallelToolCalls < 1) {
        throw new IllegalArgumentException("maxParallelToolCalls must be >= 1 but was " + maxParallelToolCalls);
      }
      this.maxParallelToolCalls = maxParallelToolCalls;
      return this;
    }

    /**
     * Where synchronous tool functions run when the model calls several tools at once (default:
     * none, so they run one after the other on the thread taking the step; asynchronous handlers
     * run at once in any case). A single call always runs on the thread taking the step.
     */
    public Builder toolExecutor(Executor toolExecutor) {
      this.toolExecutor = Objects.requireNonNull(toolExecutor, "toolExecutor");
      return this;
    }

    /**
     * What the checkpoints keep of tool call arguments and tool results (default {@link
     * ToolPayloads#REDACTED}).
     */
    public Builder storeToolPayloads(ToolPayloads storeToolPayloads) {
      this.storeToolPayloads = Objects.requireNonNull(storeToolPayloads, "storeToolPayloads");
      return this;
    }

    /** The redactor of stored tool payloads (default {@link Redactor#defaults()}). */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /**
     * The prices a money limit reserves at before each model call (default {@link
     * PriceCatalog#bundled()}; give the client's accounting catalog when it has overrides).
     */
    public Builder prices(PriceCatalog prices) {
      this.prices = Objects.requireNonNull(prices, "prices");
      return this;
    }

    /**
     * Builds the agent.
     *
     * @throws IllegalArgumentException if the tool choice names a tool the agent does not have
     */
    public Agent build() {
      ToolChoice c = toolChoice;
      if (c != null && c.mode() == ToolChoice.Mode.TOOL && !tools.containsKey(c.toolName())) {
        throw new IllegalArgumentException("the tool choice names '" + c.toolName() + "', which is not among the tools "
            + tools.keySet());
      }
      if (c != null && tools.isEmpty()) {
        throw new IllegalArgumentException("a tool choice needs tools");
      }
      return new Agent(this);
    }
  }
}
