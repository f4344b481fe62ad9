package dev.llmops.otel;

import dev.llmops.api.ChatResponse;
import dev.llmops.api.Message;
import dev.llmops.api.ToolCall;
import dev.llmops.core.redaction.Redactor;
import java.util.List;
import java.util.Locale;

/**
 * The {@code gen_ai.input.messages} / {@code gen_ai.output.messages} JSON of the conventions'
 * message schemas, every text passed through the redactor first.
 */
final class ContentJson {
  private ContentJson() {}

  static String input(List<Message> messages, Redactor redactor) {
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
      first = toolCalls(b, m.toolCalls(), redactor, first);
      b.append("]}");
    }
    return b.append(']').toString();
  }

  static String output(ChatResponse response, String finishReason, boolean withFinishReason, Redactor redactor) {
    StringBuilder b = new StringBuilder(64).append("[{\"role\":\"assistant\",\"parts\":[");
    boolean first = true;
    if (!response.text().isEmpty()) {
      text(b, redactor.redact(response.text()));
      first = false;
    }
    toolCalls(b, response.toolCalls(), redactor, first);
    b.append(']');
    if (withFinishReason) {
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

  private static boolean toolCalls(StringBuilder b, List<ToolCall> calls, Redactor redactor, boolean first) {
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
    return f;
  }

  static void string(StringBuilder b, String s) {
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
