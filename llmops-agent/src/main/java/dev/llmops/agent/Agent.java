package dev.llmops.agent;

import dev.llmops.api.CallContext;
import dev.llmops.api.ToolChoice;
import dev.llmops.api.ToolDefinition;
import dev.llmops.api.ToolSet;
import dev.llmops.core.LlmClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * <p>A run's steps follow each other (parallel tool calls of one answer execute one after the
 * other, in order); different runs proceed concurrently. Limits end a run with a status, never an
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
    this.runIds = b.runIds;
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
