package dev.llmops.otel;

import dev.llmops.api.ChatResponse;
import dev.llmops.api.Message;
import dev.llmops.api.ToolCall;
import dev.llmops.core.redaction.Redactor;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Everything of a call's content that telemetry may emit, each text through the redactor first:
 * tenant and feature values, exception messages and stack traces always; the messages and the
 * answer ({@code gen_ai.input.messages} / {@code gen_ai.output.messages}, JSON in the conventions'
 * message schemas) only when content capture is on. Immutable and thread-safe.
 */
final class OtelContent {
  private final boolean capture;
  private final Redactor redactor;
  /** The v1.41 output schema carries the finish reason; the latest one does not. */
  private final boolean finishReasonInOutput;

  OtelContent(boolean capture, Redactor redactor, GenAiConventions conventions) {
    this.capture = capture;
    this.redactor = redactor;
    this.finishReasonInOutput = conventions == GenAiConventions.V1_41;
  }

  /** Whether the messages and the answer are emitted. */
  boolean captured() {
    return capture;
  }

  /** A tenant or feature value, redacted; null stays null. */
  @Nullable String redacted(@Nullable String value) {
    return value == null ? null : redactor.redact(value);
  }

  /** The attributes of an {@code exception} event: the type, and the redacted message and stack trace. */
  Attributes exception(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    AttributesBuilder b = Attributes.builder()
        .put(Keys.EXCEPTION_TYPE, error.getClass().getName())
        .put(Keys.EXCEPTION_STACKTRACE, redactor.redact(trace.toString()));
    String message = error.getMessage();
    if (message != null) {
      b.put(Keys.EXCEPTION_MESSAGE, redactor.redact(message));
    }
    return b.build();
  }

  /** {@code gen_ai.input.messages}: the request's messages as JSON, every text redacted. */
  String input(List<Message> messages) {
    StringBuilder b = new StringBuilder(64).append('[');
    for (int k = 0; k < messages.size(); k++) {
      Message m = messages.get(k);
      if (k > 0) {
        b.append(',');
      }
      b.append("{\"role\":");
      string(b, m.role().name().toLowerCase(Locale.ROOT));
      b.append(",\"parts\":[");
      boolean first = true;
      if (m.toolCallId() != null) {
        b.append("{\"type\":\"tool_call_response\",\"id\":");
        string(b, m.toolCallId());
        b.append(",\"response\":");
        string(b, redactor.redact(m.content()));
        b.append('}');
        first = false;
      } else if (!m.content().isEmpty()) {
        text(b, redactor.redact(m.content()));
        first = false;
      }
      toolCalls(b, m.toolCalls(), first);
      b.append("]}");
    }
    return b.append(']').toString();
  }

  /** {@code gen_ai.output.messages}: the answer as JSON, every text redacted. */
  String output(ChatResponse response, String finishReason) {
    StringBuilder b = new StringBuilder(64).append("[{\"role\":\"assistant\",\"parts\":[");
    boolean first = true;
    if (!response.text().isEmpty()) {
      text(b, redactor.redact(response.text()));
      first = false;
    }
    toolCalls(b, response.toolCalls(), first);
    b.append(']');
    if (finishReasonInOutput) {
      b.append(",\"finish_reason\":");
      string(b, finishReason);
    }
    return b.append("}]").toString();
  }

  private static void text(StringBuilder b, String content) {
    b.append("{\"type\":\"text\",\"content\":");
    string(b, content);
    b.append('}');
  }

  private void toolCalls(StringBuilder b, List<ToolCall> calls, boolean first) {
    boolean f = first;
    for (ToolCall call : calls) {
      if (!f) {
        b.append(',');
      }
      b.append("{\"type\":\"tool_call\",\"id\":");
      string(b, call.id());
      b.append(",\"name\":");
      string(b, call.name());
      // Arguments are kept as a (redacted) JSON string: parsing them would need a JSON library here.
      b.append(",\"arguments\":");
      string(b, redactor.redact(call.argumentsJson()));
      b.append('}');
      f = false;
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
