package dev.llmops.testkit;

import dev.llmops.api.FinishReason;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One scripted answer of a {@link FakeChatModel}: a text (with optional finish reason, usage, tool
 * calls, latency) or a {@link Fault}. Immutable.
 *
 * @param text the output text
 * @param finishReason the finish reason
 * @param usage the usage to report, or null to compute it from the text
 * @param toolCalls tool calls to report
 * @param latency the latency of this answer, or null for the fake's default
 * @param fault the failure to inject instead of (or, for stream faults, in the middle of) the answer
 */
public record FakeReply(
    String text,
    FinishReason finishReason,
    @Nullable Usage usage,
    List<ToolCall> toolCalls,
    @Nullable Duration latency,
    @Nullable Fault fault) {

  /** Checks the components. */
  public FakeReply {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(finishReason, "finishReason");
    toolCalls = List.copyOf(toolCalls);
    if (latency != null && latency.isNegative()) {
      throw new IllegalArgumentException("latency must be >= 0 but was " + latency);
    }
  }

  /** A text answer that stops normally. */
  public static FakeReply text(String text) {
    return new FakeReply(text, FinishReason.STOP, null, List.of(), null, null);
  }

  /** A failure. */
  public static FakeReply fault(Fault fault) {
    return new FakeReply("", FinishReason.STOP, null, List.of(), null, Objects.requireNonNull(fault, "fault"));
  }

  /** This reply with a fixed usage instead of one computed from the text. */
  public FakeReply withUsage(Usage usage) {
    return new FakeReply(text, finishReason, Objects.requireNonNull(usage, "usage"), toolCalls, latency, fault);
  }

  /** This reply with another finish reason. */
  public FakeReply withFinishReason(FinishReason finishReason) {
    return new FakeReply(text, finishReason, usage, toolCalls, latency, fault);
  }

  /** This reply with tool calls (and finish reason {@link FinishReason#TOOL_CALLS}). */
  public FakeReply withToolCalls(List<ToolCall> toolCalls) {
    return new FakeReply(text, FinishReason.TOOL_CALLS, usage, toolCalls, latency, fault);
  }

  /** This reply after {@code latency} instead of the fake's default. */
  public FakeReply after(Duration latency) {
    return new FakeReply(text, finishReason, usage, toolCalls, Objects.requireNonNull(latency, "latency"), fault);
  }

  /** This text reply, with a stream fault ({@link Fault#streamCutAfter}) applied to it. */
  public FakeReply withStreamFault(Fault fault) {
    return new FakeReply(text, finishReason, usage, toolCalls, latency, Objects.requireNonNull(fault, "fault"));
  }
}
