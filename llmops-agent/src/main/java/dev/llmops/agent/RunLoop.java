package dev.llmops.agent;

import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.Message;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.Money;
import dev.llmops.api.Role;
import dev.llmops.api.RunInfo;
import dev.llmops.api.RunOutcome;
import dev.llmops.api.ToolCall;
import dev.llmops.api.ToolExecutionInfo;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.time.TaskScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One run's loop: the working copy of its state, the steps, the checkpoints. One per call of
 * {@link Agent#run}, {@link Agent#resume}, {@link Agent#approve} or {@link Agent#decide}; its steps
 * follow each other, so it needs no lock (each step's effects happen-before the next through the
 * stages that chain them).
 */
final class RunLoop {
  private final Agent owner;
  /** The client's listeners, isolated. */
  private final CallListener events;
  private final Clock clock;
  private final TaskScheduler scheduler;

  // The working copy of the run's state.
  private String runId = "";
  private long version;
  private RunStatus status = RunStatus.RUNNING;
  private @Nullable Limit limit;
  private String error = "";
  private final List<Message> messages = new ArrayList<>();
  private final List<ToolExecution> pending = new ArrayList<>();
  private final List<StepRecord> steps = new ArrayList<>();
  private final Map<String, Integer> toolCallsByTool = new HashMap<>();
  private int invalidArguments;
  private long inputTokens;
  private long outputTokens;
  private Money cost = Money.ZERO;
  private long activeMillis;
  private Instant startedAt = Instant.EPOCH;
  /** Where the active time was last added up, on the clock. */
  private long mark;
  private @Nullable Throwable failure;
  /** The last checkpoint stored or loaded: what a result reports, exactly as the store holds it. */
  private @Nullable RunState saved;

  RunLoop(Agent owner) {
    this.owner = owner;
    this.events = owner.client.listeners();
    this.clock = owner.client.clock();
    this.scheduler = owner.client.scheduler();
  }

  // ---- entry points ----

  CompletableFuture<RunResult> start(String id, String input) {
    return guarded(id, () -> {
      startedAt = clock.instant();
      mark = clock.millis();
      if (!owner.instructions.isEmpty()) {
        messages.add(Message.system(owner.instructions));
      }
      messages.add(Message.user(input));
      checkpoint();
      return next();
    });
  }

  CompletableFuture<RunResult> resume(String id) {
    return guarded(id, () -> {
      load(id);
      if (status != RunStatus.RUNNING) {
        return done();
      }
      if (!pending.isEmpty() && pending.get(0).state() == ToolExecution.State.STARTED) {
        ToolExecution cut = pending.get(0);
        Tool tool = owner.tools.get(cut.toolName());
        if (tool == null || !tool.idempotent()) {
          status = RunStatus.AWAITING_DECISION;
          checkpoint();
          return done();
        }
        return execute(tool, cut);
      }
      return next();
    });
  }

  CompletableFuture<RunResult> approve(String id, String toolCallId, @Nullable String rejection) {
    return guarded(id, () -> {
      load(id);
      ToolExecution waiting = waitingFor(RunStatus.AWAITING_APPROVAL, toolCallId);
      status = RunStatus.RUNNING;
      if (rejection != null) {
        return record(waiting, "rejected: " + rejection, "rejected", mark);
      }
      pending.set(0, waiting.with(ToolExecution.State.APPROVED));
      checkpoint();
      return next();
    });
  }

  CompletableFuture<RunResult> decide(String id, String toolCallId, Decision decision) {
    return guarded(id, () -> {
      load(id);
      ToolExecution waiting = waitingFor(RunStatus.AWAITING_DECISION, toolCallId);
      status = RunStatus.RUNNING;
      String result = decision.result();
      if (result != null) {
        return record(waiting, result, "decided", mark);
      }
      Tool tool = owner.tools.get(waiting.toolName());
      if (tool == null) {
        return record(waiting, "error: the agent has no tool '" + waiting.toolName() + "'", "unknown_tool", mark);
      }
      checkpoint();
      return execute(tool, waiting);
    });
  }

  private ToolExecution waitingFor(RunStatus expected, String toolCallId) {
    if (status != expected || pending.isEmpty() || !pending.get(0).toolCallId().equals(toolCallId)) {
      throw new IllegalStateException("run '" + runId + "' is " + status + (pending.isEmpty() ? ""
          : " on tool call '" + pending.get(0).toolCallId() + "'") + ", not " + expected + " on '" + toolCallId + "'");
    }
    return pending.get(0);
  }

  /**
   * Runs {@code body} for the run {@code id} between the listeners' {@code runStart} and {@code
   * runEnd}; what it throws completes the future exceptionally instead.
   */
  private CompletableFuture<RunResult> guarded(String id, Body body) {
    runId = id;
    RunInfo run = runInfo();
    events.runStart(run);
    CompletableFuture<RunResult> result;
    try {
      result = body.run().toCompletableFuture();
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.whenComplete((r, e) -> events.runEnd(run, outcome(e == null ? failure : unwrap(e))));
  }

  private RunInfo runInfo() {
    String endpoint = owner.client.endpointFor(owner.model);
    ChatModel chatModel = owner.client.endpoints().get(endpoint);
    ModelInfo info = chatModel == null ? null : chatModel.info();
    return new RunInfo(runId, owner.name, info == null ? "" : info.provider(), info == null ? endpoint : info.modelId());
  }

  private RunOutcome outcome(@Nullable Throwable error) {
    int toolCalls = 0;
    for (int c : toolCallsByTool.values()) {
      toolCalls += c;
    }
    Limit l = limit;
    return new RunOutcome(status.name(), l == null ? null : l.name(), steps.size(), toolCalls, inputTokens,
        outputTokens, cost, error);
  }

  @FunctionalInterface
  private interface Body {
    CompletionStage<RunResult> run();
  }

  // ---- the loop ----

  /** The next step: the first pending tool call, else a model call. */
  private CompletionStage<RunResult> next() {
    if (!pending.isEmpty()) {
      return toolStep(pending.get(0));
    }
    Limit reached = modelLimit();
    if (reached != null) {
      return stop(reached);
    }
    return modelStep();
  }

  private @Nullable Limit modelLimit() {
    if (steps.size() >= owner.limits.maxSteps()) {
      return Limit.STEPS;
    }
    if (inputTokens + outputTokens >= owner.limits.maxTokens()) {
      return Limit.TOKENS;
    }
    Money maxCost = owner.limits.maxCost();
    if (maxCost != null && cost.compareTo(maxCost) >= 0) {
      return Limit.COST;
    }
    return durationLimit();
  }

  private @Nullable Limit durationLimit() {
    Duration max = owner.limits.maxDuration();
    if (max != null && activeMillis + (clock.millis() - mark) >= max.toMillis()) {
      return Limit.DURATION;
    }
    return null;
  }

  private CompletionStage<RunResult> modelStep() {
    ChatRequest request = ChatRequest.builder().model(owner.model).messages(messages).tools(owner.toolSet).build();
    long began = clock.millis();
    CompletableFuture<Completion> call;
    CallListener.Scope scope = events.runScope(runInfo()); // the run's span is current while the call starts
    try {
      call = owner.client.request(request).context(owner.context).callAsync();
    } finally {
      scope.close();
    }
    return call.handle((completion, e) -> {
      if (e != null) {
        Throwable cause = unwrap(e);
        failure = cause;
        status = RunStatus.FAILED;
        error = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        checkpoint();
        return done();
      }
      return answered(completion, began);
    }).thenCompose(stage -> stage);
  }

  private CompletionStage<RunResult> answered(Completion completion, long began) {
    Usage usage = completion.usage();
    Money spent = completion.attribute(Cost.KEY).flatMap(Cost::amount).orElse(Money.ZERO);
    inputTokens += usage.inputTokens();
    outputTokens += usage.outputTokens();
    cost = cost.plus(spent);
    List<ToolCall> calls = completion.response().toolCalls();
    messages.add(new Message(Role.ASSISTANT, completion.text(), calls, null));
    steps.add(new StepRecord(steps.size() + 1, StepRecord.Kind.MODEL, completion.endpoint(), completion.callId(),
        usage.inputTokens(), usage.outputTokens(), spent, clock.millis() - began, calls.isEmpty() ? "ok" : "tool_calls"));
    for (ToolCall call : calls) {
      pending.add(new ToolExecution(call.id(), call.name(), call.argumentsJson(), ToolExecution.State.PENDING));
    }
    if (calls.isEmpty()) {
      status = RunStatus.COMPLETED;
      checkpoint();
      return done();
    }
    checkpoint();
    return next();
  }

  private CompletionStage<RunResult> toolStep(ToolExecution execution) {
    long began = clock.millis();
    Tool tool = owner.tools.get(execution.toolName());
    if (execution.state() == ToolExecution.State.PENDING) {
      if (tool == null) {
        invalidArguments++;
        return record(execution, "error: there is no tool '" + execution.toolName() + "'; the tools are "
            + owner.tools.keySet(), "unknown_tool", began);
      }
      List<String> problems = tool.validate(execution.argumentsJson());
      if (!problems.isEmpty()) {
        invalidArguments++;
        return record(execution, "error: the arguments do not match the tool's schema: "
            + String.join("; ", problems), "invalid_arguments", began);
      }
    }
    Limit reached = toolLimit(execution.toolName());
    if (reached != null) {
      return stop(reached);
    }
    if (tool == null) {
      // An approved call of a tool this agent lacks (another version of the agent saved it).
      return record(execution, "error: there is no tool '" + execution.toolName() + "'", "unknown_tool", began);
    }
    if (execution.state() == ToolExecution.State.PENDING && tool.requiresApproval()) {
      pending.set(0, execution.with(ToolExecution.State.AWAITING_APPROVAL));
      status = RunStatus.AWAITING_APPROVAL;
      checkpoint();
      return done();
    }
    ToolExecution started = execution.with(ToolExecution.State.STARTED);
    pending.set(0, started);
    toolCallsByTool.merge(execution.toolName(), 1, Integer::sum);
    checkpoint();
    return execute(tool, started);
  }

  private @Nullable Limit toolLimit(String toolName) {
    if (steps.size() >= owner.limits.maxSteps()) {
      return Limit.STEPS;
    }
    int total = 0;
    for (int c : toolCallsByTool.values()) {
      total += c;
    }
    if (total >= owner.limits.maxToolCalls()) {
      return Limit.TOOL_CALLS;
    }
    Integer perTool = owner.limits.maxToolCallsPerTool().get(toolName);
    if (perTool != null && toolCallsByTool.getOrDefault(toolName, 0) >= perTool) {
      return Limit.TOOL_CALLS_PER_TOOL;
    }
    return durationLimit();
  }

  /** Executes a started tool call with the tool's timeout and attempts, then records its result. */
  private CompletionStage<RunResult> execute(Tool tool, ToolExecution execution) {
    long began = clock.millis();
    ToolExecutionInfo info = new ToolExecutionInfo(runId, owner.name, tool.name(), execution.toolCallId(),
        tool.definition().description(), steps.size() + 1);
    events.toolStart(info);
    return attempt(tool, execution, 1).handle((result, e) -> {
      if (e == null) {
        events.toolEnd(info, "ok", null);
        return record(execution, result, "ok", began);
      }
      Throwable cause = unwrap(e);
      boolean timedOut = cause instanceof TimeoutException;
      events.toolEnd(info, timedOut ? "timeout" : "error", cause);
      String text = timedOut
          ? "error: the tool timed out after " + tool.timeout()
          : "error: the tool failed: " + cause.getClass().getSimpleName()
              + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
      return record(execution, text, timedOut ? "timeout" : "error", began);
    }).thenCompose(stage -> stage);
  }

  private CompletionStage<String> attempt(Tool tool, ToolExecution execution, int number) {
    ToolInvocation invocation = new ToolInvocation(runId, execution.toolCallId(), execution.toolName(),
        execution.argumentsJson().isBlank() ? "{}" : execution.argumentsJson(),
        runId + "/" + execution.toolCallId(), number);
    CompletableFuture<String> result;
    try {
      result = tool.handler().execute(invocation).toCompletableFuture();
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    Duration timeout = tool.timeout();
    if (timeout != null && !result.isDone()) {
      CompletableFuture<String> inner = result;
      CompletableFuture<String> expired = new CompletableFuture<>();
      var timer = scheduler.schedule(() -> expired.completeExceptionally(
          new TimeoutException("tool '" + tool.name() + "' timed out after " + timeout)), timeout);
      result = inner.applyToEither(expired, v -> v).whenComplete((v, e) -> {
        timer.cancel();
        if (e != null) {
          inner.cancel(false); // a timed-out attempt is abandoned; a handler may observe the cancellation
        }
      });
    }
    if (number >= tool.maxAttempts()) {
      return result;
    }
    return result.handle((v, e) -> e == null ? CompletableFuture.completedFuture(v) : attempt(tool, execution, number + 1))
        .thenCompose(stage -> stage);
  }

  /** Records a tool call's result as a step and a tool message, checkpoints, and goes on. */
  private CompletionStage<RunResult> record(ToolExecution execution, String result, String outcome, long began) {
    pending.remove(0);
    messages.add(Message.tool(execution.toolCallId(), result));
    steps.add(new StepRecord(steps.size() + 1, StepRecord.Kind.TOOL, execution.toolName(), execution.toolCallId(),
        0, 0, Money.ZERO, clock.millis() - began, outcome));
    checkpoint();
    return next();
  }

  private CompletionStage<RunResult> stop(Limit reached) {
    limit = reached;
    status = RunStatus.LIMIT_REACHED;
    checkpoint();
    return done();
  }

  private CompletionStage<RunResult> done() {
    RunState last = saved;
    return CompletableFuture.completedFuture(new RunResult(last != null ? last : snapshot(), failure));
  }

  private static Throwable unwrap(Throwable e) {
    Throwable cause = e.getCause();
    return e instanceof CompletionException && cause != null ? cause : e;
  }

  // ---- state ----

  private void checkpoint() {
    long now = clock.millis();
    activeMillis += now - mark;
    mark = now;
    version++;
    RunState state = snapshot();
    owner.store.save(state);
    saved = state;
  }

  private RunState snapshot() {
    return new RunState(runId, owner.name, Math.max(1, version), status, limit, error, messages, pending, steps,
        toolCallsByTool, invalidArguments, inputTokens, outputTokens, cost, activeMillis, startedAt, clock.instant());
  }

  private void load(String id) {
    RunState s = owner.store.load(id).orElseThrow(() -> new NoSuchElementException("the store has no run '" + id + "'"));
    saved = s;
    runId = s.runId();
    version = s.version();
    status = s.status();
    limit = s.limit();
    error = s.error();
    messages.addAll(s.messages());
    pending.addAll(s.pending());
    steps.addAll(s.steps());
    toolCallsByTool.putAll(s.toolCallsByTool());
    invalidArguments = s.invalidArguments();
    inputTokens = s.inputTokens();
    outputTokens = s.outputTokens();
    cost = s.cost();
    activeMillis = s.activeMillis();
    startedAt = s.startedAt();
    mark = clock.millis();
  }
}
