package dev.llmops.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.Message;
import dev.llmops.api.Money;
import dev.llmops.api.Role;
import dev.llmops.api.RunInfo;
import dev.llmops.api.RunOutcome;
import dev.llmops.api.ToolCall;
import dev.llmops.api.ToolExecutionInfo;
import dev.llmops.api.Usage;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.tokens.TokenCounter;
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
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One run's loop: the working copy of its state, the steps, the checkpoints. One per call of
 * {@link Agent#run}, {@link Agent#resume}, {@link Agent#approve} or {@link Agent#decide}.
 *
 * <p>The loop is a trampoline: {@link #drive} takes steps one after the other on the thread it
 * runs on for as long as they complete at once (a synchronous tool, a cached answer), and when a
 * step must wait (a model call, an asynchronous tool) it returns and is called again by the
 * completion. So a run of many quick steps neither nests stack frames nor chains futures, and the
 * loop's state is only ever touched by one thread at a time (each completion happens-before the
 * next {@code drive}), so it needs no lock.
 */
final class RunLoop {
  /** The output a model call reserves for when neither the request nor the price catalog bounds it. */
  static final long DEFAULT_MAX_OUTPUT_TOKENS = 4096;

  private final Agent owner;
  /** The client's listeners, isolated. */
  private final CallListener events;
  private final Clock clock;
  private final TaskScheduler scheduler;
  private final CompletableFuture<RunResult> result = new CompletableFuture<>();
  private RunInfo runInfo = new RunInfo("", "", "", "");

  // The working copy of the run's state.
  private String runId = "";
  private long version;
  private RunStatus status = RunStatus.RUNNING;
  private @Nullable Limit limit;
  private String error = "";
  /** The conversation as the model sees it. */
  private final Appended<Message> messages = new Appended<>();
  /** The conversation as the store keeps it: {@link #messages} with tool payloads redacted, or the same list. */
  private final Appended<Message> stored;
  private final Pending pending = new Pending();
  private final Appended<StepRecord> steps = new Appended<>();
  private final Map<String, Integer> toolCallsByTool = new HashMap<>();
  /** An immutable copy of {@link #toolCallsByTool}, renewed only when it changes. */
  private @Nullable Map<String, Integer> toolCallsCopy = Map.of();
  private int toolCalls;
  private int invalidArguments;
  private long inputTokens;
  private long outputTokens;
  private Money cost = Money.ZERO;
  /** Money reserved for the model call in flight, in nano-dollars; settled when it answers. */
  private long reservedNanos;
  private long activeMillis;
  private Instant startedAt = Instant.EPOCH;
  /** Where the active time was last added up, on the clock. */
  private long mark;
  private @Nullable Throwable failure;
  /** The tool call a decision said to run again although its tool is not idempotent. */
  private @Nullable String rerun;
  private boolean stopped;
  /** The last checkpoint stored or loaded: what a result reports, exactly as the store holds it. */
  private @Nullable RunState saved;

  RunLoop(Agent owner) {
    this.owner = owner;
    this.events = owner.client.listeners();
    this.clock = owner.client.clock();
    this.scheduler = owner.client.scheduler();
    this.stored = owner.storeToolPayloads == ToolPayloads.RAW ? messages : new Appended<>();
  }

  // ---- entry points ----

  CompletableFuture<RunResult> start(String id, String input) {
    return guarded(id, () -> {
      startedAt = clock.instant();
      mark = clock.millis();
      if (!owner.instructions.isEmpty()) {
        append(Message.system(owner.instructions));
      }
      append(Message.user(input));
      checkpoint();
    });
  }

  CompletableFuture<RunResult> resume(String id) {
    // A tool execution a crash left STARTED is re-run or waits for a decision as the loop reaches it.
    return guarded(id, () -> load(id));
  }

  CompletableFuture<RunResult> approve(String id, String toolCallId, @Nullable String rejection) {
    return guarded(id, () -> {
      load(id);
      ToolExecution waiting = waitingFor(RunStatus.AWAITING_APPROVAL, toolCallId);
      status = RunStatus.RUNNING;
      if (rejection != null) {
        record(waiting, "rejected: " + rejection, "rejected", mark);
        return;
      }
      pending.set(0, waiting.with(ToolExecution.State.APPROVED));
      checkpoint();
    });
  }

  CompletableFuture<RunResult> decide(String id, String toolCallId, Decision decision) {
    return guarded(id, () -> {
      load(id);
      ToolExecution waiting = waitingFor(RunStatus.AWAITING_DECISION, toolCallId);
      status = RunStatus.RUNNING;
      String text = decision.result();
      if (text != null) {
        record(waiting, text, "decided", mark);
        return;
      }
      if (!owner.tools.containsKey(waiting.toolName())) {
        record(waiting, "error: the agent has no tool '" + waiting.toolName() + "'", "unknown_tool", mark);
        return;
      }
      rerun = toolCallId;
      checkpoint();
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
   * Prepares the run {@code id} with {@code body} and drives it, between the listeners' {@code
   * runStart} and {@code runEnd}; what they throw completes the future exceptionally instead.
   */
  private CompletableFuture<RunResult> guarded(String id, Runnable body) {
    runId = id;
    runInfo = runInfo();
    RunInfo run = runInfo;
    events.runStart(run);
    try {
      body.run();
      if (status != RunStatus.RUNNING) {
        stopped = true; // loaded finished or paused: returned as it is
      }
      drive();
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result.whenComplete((r, e) -> events.runEnd(run, outcome(e == null ? failure : unwrap(e))));
  }

  private RunInfo runInfo() {
    var info = owner.modelInfo;
    return new RunInfo(runId, owner.name, info == null ? "" : info.provider(),
        info == null ? owner.client.endpointFor(owner.model) : info.modelId());
  }

  private RunOutcome outcome(@Nullable Throwable error) {
    Limit l = limit;
    return new RunOutcome(status.name(), l == null ? null : l.name(), steps.size(), toolCalls, inputTokens,
        outputTokens, cost, error);
  }

  // ---- the loop ----

  /** Takes steps until the run stops, or one must wait: then its completion calls this again. */
  private void drive() {
    try {
      while (!stopped) {
        CompletableFuture<?> waiting = step();
        if (waiting == null) {
          continue;
        }
        if (!waiting.isDone()) {
          var unused = waiting.whenComplete((v, e) -> { // the continuation reports into result
            if (e != null) {
              result.completeExceptionally(unwrap(e));
            } else {
              drive();
            }
          });
          return;
        }
        waiting.join(); // rethrows what the step's continuation threw (the store failed, say)
      }
      RunState last = saved;
      result.complete(new RunResult(last != null ? last : snapshot(), failure));
    } catch (RuntimeException e) {
      result.completeExceptionally(unwrap(e));
    }
  }

  /**
   * The next step: the pending tool calls, else a model call. Null when it was taken at once; else
   * a future that completes once its effects are applied.
   */
  private @Nullable CompletableFuture<?> step() {
    if (!pending.isEmpty()) {
      return toolStep();
    }
    Limit reached = modelLimit();
    if (reached != null) {
      stop(reached);
      return null;
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

  private @Nullable CompletableFuture<?> modelStep() {
    ChatRequest.Builder request = ChatRequest.builder().model(owner.model).messages(messages.snapshot())
        .tools(owner.toolSet);
    long reservation = reserve(request);
    if (reservation < 0) {
      stop(Limit.COST);
      return null;
    }
    long began = clock.millis();
    CompletableFuture<Completion> call;
    CallListener.Scope scope = events.runScope(runInfo); // the run's span is current while the call starts
    try {
      call = owner.client.request(request.build()).context(owner.context).callAsync();
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    } finally {
      scope.close();
    }
    return call.handle((completion, e) -> {
      reservedNanos -= reservation; // settled: the call's real cost is added to the spend below
      if (e != null) {
        Throwable cause = unwrap(e);
        failure = cause;
        status = RunStatus.FAILED;
        error = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        checkpoint();
        stopped = true;
      } else {
        answered(completion, began);
      }
      return null;
    });
  }

  /**
   * Under a money limit, reserves a safe upper bound of the next model call's cost against what is
   * left of the run's money, as a call's budget does: every input token bounded by its UTF-8 bytes,
   * the output by the request's cap (the catalog's output limit, else {@value
   * #DEFAULT_MAX_OUTPUT_TOKENS}), all at the model's highest rates. When that does not fit, the
   * call's output cap is lowered to what does; the request carries the cap reserved for, so the
   * bound binds. Returns the nano-dollars reserved (0 without a limit or a price), or -1 when not
   * even one output token fits: the run stops at {@link Limit#COST}.
   */
  private long reserve(ChatRequest.Builder request) {
    Money maxCost = owner.limits.maxCost();
    ModelPrice price = owner.price;
    if (maxCost == null || price == null) {
      return 0;
    }
    long room = floorNanos(maxCost) - cost.toNanosCeiling() - reservedNanos;
    long in = TokenCounter.upperBound(messages.snapshot()) + owner.toolsTokenBound;
    long out = price.maxOutputTokens() > 0 ? price.maxOutputTokens() : DEFAULT_MAX_OUTPUT_TOKENS;
    if (price.upperBoundNanos(in, out) > room) {
      out = price.fittingOutputTokens(in, out, room);
      if (out < 1) {
        return -1;
      }
    }
    request.maxOutputTokens((int) Math.min(out, Integer.MAX_VALUE));
    long reservation = price.upperBoundNanos(in, out);
    reservedNanos += reservation;
    return reservation;
  }

  private static long floorNanos(Money m) {
    try {
      return m.amount().movePointRight(9).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2; // more money than a long counts: no limit in practice
    }
  }

  private void answered(Completion completion, long began) {
    Usage usage = completion.usage();
    Money spent = completion.attribute(Cost.KEY).flatMap(Cost::amount).orElse(Money.ZERO);
    inputTokens += usage.inputTokens();
    outputTokens += usage.outputTokens();
    cost = cost.plus(spent);
    List<ToolCall> calls = completion.response().toolCalls();
    append(new Message(Role.ASSISTANT, completion.text(), calls, null));
    steps.add(new StepRecord(steps.size() + 1, StepRecord.Kind.MODEL, completion.endpoint(), completion.callId(),
        usage.inputTokens(), usage.outputTokens(), spent, clock.millis() - began, calls.isEmpty() ? "ok" : "tool_calls"));
    if (!calls.isEmpty()) {
      List<ToolExecution> next = new ArrayList<>(calls.size());
      for (ToolCall call : calls) {
        next.add(new ToolExecution(call.id(), call.name(), call.argumentsJson(), ToolExecution.State.PENDING));
      }
      pending.reset(next);
    }
    if (calls.isEmpty()) {
      status = RunStatus.COMPLETED;
      stopped = true;
    }
    checkpoint();
  }

  /**
   * The pending tool calls: the first that cannot run now (unknown tool, invalid arguments, a limit,
   * an approval, a decision) is settled on its own; otherwise the longest run of calls from the
   * head that can (at most {@link Agent.Builder#maxParallelToolCalls}) is started together, with one
   * checkpoint, and their results are recorded in the model's order once all have ended.
   */
  private @Nullable CompletableFuture<?> toolStep() {
    long began = clock.millis();
    List<Execution> batch = new ArrayList<>(Math.min(pending.size(), owner.maxParallelToolCalls));
    for (int i = 0; i < pending.size() && batch.size() < owner.maxParallelToolCalls; i++) {
      ToolExecution x = pending.get(i);
      boolean head = i == 0;
      Tool tool = owner.tools.get(x.toolName());
      if (tool == null) {
        if (head) {
          if (x.state() == ToolExecution.State.PENDING) {
            invalidArguments++;
            record(x, "error: there is no tool '" + x.toolName() + "'; the tools are " + owner.tools.keySet(),
                "unknown_tool", began);
          } else {
            // Approved or started by another version of the agent that had the tool.
            record(x, "error: there is no tool '" + x.toolName() + "'", "unknown_tool", began);
          }
        }
        break;
      }
      JsonNode tree;
      try {
        tree = Schemas.parse(x.argumentsJson());
      } catch (JsonProcessingException e) {
        if (head) {
          invalidArguments++;
          record(x, "error: the arguments do not match the tool's schema: the arguments are not JSON: "
              + e.getOriginalMessage(), "invalid_arguments", began);
        }
        break;
      }
      if (x.state() == ToolExecution.State.STARTED) {
        // Cut short by a crash: the same execution runs again only if that is safe or was decided.
        if (tool.idempotent() || x.toolCallId().equals(rerun)) {
          batch.add(new Execution(x, tool, tree));
          continue;
        }
        if (head) {
          status = RunStatus.AWAITING_DECISION;
          checkpoint();
          stopped = true;
        }
        break;
      }
      if (x.state() != ToolExecution.State.APPROVED) {
        List<String> problems = tool.validate(tree);
        if (!problems.isEmpty()) {
          if (head) {
            invalidArguments++;
            record(x, "error: the arguments do not match the tool's schema: " + String.join("; ", problems),
                "invalid_arguments", began);
          }
          break;
        }
      }
      Limit reached = toolLimit(x.toolName(), batch.size());
      if (reached != null) {
        if (head) {
          stop(reached);
        }
        break;
      }
      if (x.state() != ToolExecution.State.APPROVED && tool.requiresApproval()) {
        if (head) {
          pending.set(0, x.with(ToolExecution.State.AWAITING_APPROVAL));
          status = RunStatus.AWAITING_APPROVAL;
          checkpoint();
          stopped = true;
        }
        break;
      }
      count(x.toolName());
      batch.add(new Execution(x, tool, tree));
    }
    if (batch.isEmpty()) {
      return null;
    }
    boolean starting = false;
    for (int i = 0; i < batch.size(); i++) {
      ToolExecution call = batch.get(i).call;
      if (call.state() != ToolExecution.State.STARTED) {
        pending.set(i, call.with(ToolExecution.State.STARTED));
        starting = true;
      } else {
        pending.set(i, call); // a re-run after a crash: already checkpointed as started
      }
    }
    if (starting) {
      checkpoint();
    }
    return execute(batch);
  }

  private void count(String toolName) {
    toolCallsByTool.merge(toolName, 1, Integer::sum);
    toolCallsCopy = null;
    toolCalls++;
  }

  /** The limit the next tool execution would pass, {@code planned} executions after the next step. */
  private @Nullable Limit toolLimit(String toolName, int planned) {
    if (steps.size() + planned >= owner.limits.maxSteps()) {
      return Limit.STEPS;
    }
    if (toolCalls >= owner.limits.maxToolCalls()) {
      return Limit.TOOL_CALLS;
    }
    Integer perTool = owner.limits.maxToolCallsPerTool().get(toolName);
    if (perTool != null && toolCallsByTool.getOrDefault(toolName, 0) >= perTool) {
      return Limit.TOOL_CALLS_PER_TOOL;
    }
    return durationLimit();
  }

  /** One started execution of a batch and, once it ended, its result. */
  private static final class Execution {
    final ToolExecution call;
    final Tool tool;
    final JsonNode arguments;
    long began;
    // Written by the thread that ends the execution, read by the loop after the batch completed.
    @Nullable String text;
    String outcome = "";
    long ended;

    Execution(ToolExecution call, Tool tool, JsonNode arguments) {
      this.call = call;
      this.tool = tool;
      this.arguments = arguments;
    }
  }

  /**
   * Starts every execution of the batch, each with its tool's timeout and attempts, then records
   * their results in order. Null when all ended at once (synchronous tools): no future is made.
   */
  private @Nullable CompletableFuture<?> execute(List<Execution> batch) {
    CompletableFuture<?>[] running = null;
    int base = steps.size();
    for (int i = 0; i < batch.size(); i++) {
      Execution x = batch.get(i);
      ToolExecutionInfo info = new ToolExecutionInfo(runId, owner.name, x.tool.name(), x.call.toolCallId(),
          x.tool.definition().description(), base + i + 1);
      events.toolStart(info);
      x.began = clock.millis();
      CompletableFuture<String> f = batch.size() > 1 && x.tool.synchronous() && owner.toolExecutor != null
          ? CompletableFuture.completedFuture(x).thenComposeAsync(e -> attempt(e, 1), owner.toolExecutor)
          : attempt(x, 1);
      if (f.isDone()) {
        ended(x, info, f);
      } else {
        if (running == null) {
          running = new CompletableFuture<?>[batch.size()];
        }
        running[i] = f.handle((v, e) -> { // a failed tool is a result, not a failed batch
          ended(x, info, f);
          return null;
        });
      }
    }
    if (running == null) {
      recordAll(batch);
      return null;
    }
    for (int i = 0; i < running.length; i++) {
      if (running[i] == null) {
        running[i] = CompletableFuture.completedFuture(null);
      }
    }
    return CompletableFuture.allOf(running).thenRun(() -> recordAll(batch));
  }

  /** Notes how an execution ended; runs on whichever thread ended it and touches only {@code x}. */
  private void ended(Execution x, ToolExecutionInfo info, CompletableFuture<String> f) {
    x.ended = clock.millis();
    Throwable cause = null;
    String text = null;
    try {
      text = f.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      cause = unwrap(e);
    }
    if (cause == null) {
      events.toolEnd(info, "ok", null);
      x.text = text;
      x.outcome = "ok";
      return;
    }
    boolean timedOut = cause instanceof TimeoutException;
    events.toolEnd(info, timedOut ? "timeout" : "error", cause);
    x.text = timedOut
        ? "error: the tool timed out after " + x.tool.timeout()
        : "error: the tool failed: " + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    x.outcome = timedOut ? "timeout" : "error";
  }

  private void recordAll(List<Execution> batch) {
    for (Execution x : batch) {
      recordResult(x.call, String.valueOf(x.text), x.outcome, x.ended - x.began);
    }
  }

  private CompletableFuture<String> attempt(Execution x, int number) {
    ToolInvocation invocation = new ToolInvocation(runId, x.call.toolCallId(), x.call.toolName(),
        x.call.argumentsJson().isBlank() ? "{}" : x.call.argumentsJson(), x.arguments, number);
    Tool tool = x.tool;
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
    if (number >= tool.maxAttempts() || (result.isDone() && !result.isCompletedExceptionally())) {
      return result;
    }
    return result.exceptionallyCompose(e -> attempt(x, number + 1));
  }

  /** Records the result of the head pending call as a step taken since {@code began} on the clock. */
  private void record(ToolExecution execution, String text, String outcome, long began) {
    recordResult(execution, text, outcome, clock.millis() - began);
  }

  /** Records a tool call's result as a step and a tool message, and checkpoints. */
  private void recordResult(ToolExecution execution, String text, String outcome, long durationMillis) {
    pending.removeFirst();
    boolean failed = switch (outcome) {
      case "error", "timeout", "invalid_arguments", "unknown_tool" -> true;
      default -> false; // ok, or a result a person gave (rejected, decided)
    };
    append(failed ? Message.toolError(execution.toolCallId(), text) : Message.tool(execution.toolCallId(), text));
    steps.add(new StepRecord(steps.size() + 1, StepRecord.Kind.TOOL, execution.toolName(), execution.toolCallId(),
        0, 0, Money.ZERO, durationMillis, outcome));
    if (execution.toolCallId().equals(rerun)) {
      rerun = null;
    }
    checkpoint();
  }

  private void stop(Limit reached) {
    limit = reached;
    status = RunStatus.LIMIT_REACHED;
    checkpoint();
    stopped = true;
  }

  private static Throwable unwrap(Throwable e) {
    Throwable cause = e.getCause();
    return e instanceof CompletionException && cause != null ? cause : e;
  }

  // ---- state ----

  /** Adds a message to the conversation and its stored form (tool payloads redacted) to the store's. */
  private void append(Message m) {
    messages.add(m);
    if (stored != messages) {
      stored.add(owner.redactToolPayloads(m));
    }
  }

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
    Map<String, Integer> counts = toolCallsCopy;
    if (counts == null) {
      counts = Map.copyOf(toolCallsByTool);
      toolCallsCopy = counts;
    }
    return new RunState(runId, owner.name, Math.max(1, version), status, limit, error, stored.snapshot(),
        pending.snapshot(), steps.snapshot(), counts, invalidArguments, inputTokens, outputTokens, cost,
        activeMillis, startedAt, clock.instant());
  }

  private void load(String id) {
    Supplier<NoSuchElementException> missing = () -> new NoSuchElementException("the store has no run '" + id + "'");
    RunState s = owner.store.load(id).orElseThrow(missing);
    saved = s;
    runId = s.runId();
    version = s.version();
    status = s.status();
    limit = s.limit();
    error = s.error();
    // A resumed run goes on with the conversation as stored (tool payloads redacted under REDACTED).
    messages.addAll(s.messages());
    if (stored != messages) {
      stored.addAll(s.messages());
    }
    pending.reset(s.pending());
    steps.addAll(s.steps());
    toolCallsByTool.putAll(s.toolCallsByTool());
    toolCallsCopy = s.toolCallsByTool();
    toolCalls = s.toolCalls();
    invalidArguments = s.invalidArguments();
    inputTokens = s.inputTokens();
    outputTokens = s.outputTokens();
    cost = s.cost();
    activeMillis = s.activeMillis();
    startedAt = s.startedAt();
    mark = clock.millis();
  }
}
