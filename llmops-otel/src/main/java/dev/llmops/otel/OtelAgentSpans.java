package dev.llmops.otel;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.llmops.api.CallListener;
import dev.llmops.api.RunInfo;
import dev.llmops.api.RunOutcome;
import dev.llmops.api.ToolExecutionInfo;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Spans of agent runs per the GenAI conventions (v1.41 {@code gen-ai-spans.yaml}): an INTERNAL
 * {@code invoke_agent {gen_ai.agent.name}} span per carrying-on of a run, its model calls' spans
 * as children (through {@link #scope}), and an INTERNAL {@code execute_tool {gen_ai.tool.name}}
 * span per tool execution under it; run id, step and totals as llmops attributes. Tool arguments
 * and results are not recorded (they are opt-in in the conventions and may carry personal data).
 * Thread-safe.
 */
final class OtelAgentSpans {
  static final AttributeKey<String> AGENT_NAME = stringKey("gen_ai.agent.name");
  static final AttributeKey<String> CONVERSATION_ID = stringKey("gen_ai.conversation.id");
  static final AttributeKey<String> TOOL_NAME = stringKey("gen_ai.tool.name");
  static final AttributeKey<String> TOOL_CALL_ID = stringKey("gen_ai.tool.call.id");
  static final AttributeKey<String> TOOL_DESCRIPTION = stringKey("gen_ai.tool.description");
  static final AttributeKey<String> TOOL_TYPE = stringKey("gen_ai.tool.type");
  static final AttributeKey<String> RUN_ID = stringKey("llmops.run.id");
  static final AttributeKey<Long> RUN_STEP = longKey("llmops.run.step");
  static final AttributeKey<String> RUN_STATUS = stringKey("llmops.run.status");
  static final AttributeKey<String> RUN_LIMIT = stringKey("llmops.run.limit");
  static final AttributeKey<Long> RUN_STEPS = longKey("llmops.run.steps");
  static final AttributeKey<Long> RUN_TOOL_CALLS = longKey("llmops.run.tool_calls");

  private final Tracer tracer;
  private final Clock clock;
  private final ConcurrentMap<String, Span> runs = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Span> tools = new ConcurrentHashMap<>();

  OtelAgentSpans(Tracer tracer, Clock clock) {
    this.tracer = tracer;
    this.clock = clock;
  }

  void start(RunInfo run) {
    Span span = tracer.spanBuilder("invoke_agent " + run.agentName())
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(clock.instant())
        .setAttribute(Keys.OPERATION_NAME, "invoke_agent")
        .setAttribute(Keys.PROVIDER_NAME, run.provider())
        .setAttribute(Keys.REQUEST_MODEL, run.model())
        .setAttribute(AGENT_NAME, run.agentName())
        .setAttribute(CONVERSATION_ID, run.runId())
        .setAttribute(RUN_ID, run.runId())
        .startSpan();
    Span previous = runs.put(run.runId(), span);
    if (previous != null) {
      previous.end(clock.instant()); // a carrying-on whose end never came; never leave a span open
    }
  }

  @SuppressWarnings("MustBeClosedChecker") // the agent closes the returned scope, on this thread
  CallListener.Scope scope(RunInfo run) {
    Span span = runs.get(run.runId());
    if (span == null) {
      return CallListener.Scope.NONE;
    }
    io.opentelemetry.context.Scope scope = Context.current().with(span).makeCurrent();
    return scope::close;
  }

  void toolStart(ToolExecutionInfo tool) {
    Span run = runs.get(tool.runId());
    Context parent = run == null ? Context.current() : Context.current().with(run);
    var b = tracer.spanBuilder("execute_tool " + tool.toolName())
        .setSpanKind(SpanKind.INTERNAL)
        .setParent(parent)
        .setStartTimestamp(clock.instant())
        .setAttribute(Keys.OPERATION_NAME, "execute_tool")
        .setAttribute(TOOL_NAME, tool.toolName())
        .setAttribute(TOOL_CALL_ID, tool.toolCallId())
        .setAttribute(TOOL_TYPE, "function")
        .setAttribute(RUN_ID, tool.runId())
        .setAttribute(RUN_STEP, (long) tool.step());
    if (!tool.description().isEmpty()) {
      b.setAttribute(TOOL_DESCRIPTION, tool.description());
    }
    tools.put(key(tool), b.startSpan());
  }

  void toolEnd(ToolExecutionInfo tool, String outcome, @Nullable Throwable error) {
    Span span = tools.remove(key(tool));
    if (span == null) {
      return;
    }
    if (!outcome.equals("ok")) {
      span.setAttribute(Keys.ERROR_TYPE, error == null || outcome.equals("timeout") ? outcome
          : error.getClass().getName());
      span.setStatus(StatusCode.ERROR);
    }
    span.end(clock.instant());
  }

  void end(RunInfo run, RunOutcome outcome) {
    Span span = runs.remove(run.runId());
    if (span == null) {
      return;
    }
    span.setAttribute(RUN_STATUS, outcome.status());
    span.setAttribute(RUN_STEPS, (long) outcome.steps());
    span.setAttribute(RUN_TOOL_CALLS, (long) outcome.toolCalls());
    span.setAttribute(Keys.USAGE_INPUT_TOKENS, outcome.inputTokens());
    span.setAttribute(Keys.USAGE_OUTPUT_TOKENS, outcome.outputTokens());
    span.setAttribute(Keys.COST, outcome.cost().amount().toPlainString());
    String limit = outcome.limit();
    if (limit != null) {
      span.setAttribute(RUN_LIMIT, limit);
    }
    Throwable failure = outcome.failure();
    if (failure != null) {
      span.setAttribute(Keys.ERROR_TYPE, OtelSpans.errorType(failure));
      span.setStatus(StatusCode.ERROR);
    }
    span.end(clock.instant());
  }

  private static String key(ToolExecutionInfo tool) {
    return tool.runId() + '\u0000' + tool.toolCallId();
  }
}
