package dev.llmops.core.transcript;

import static dev.llmops.core.sink.internal.JournalFields.array;
import static dev.llmops.core.sink.internal.JournalFields.choice;
import static dev.llmops.core.sink.internal.JournalFields.instant;
import static dev.llmops.core.sink.internal.JournalFields.text;
import static dev.llmops.core.sink.internal.JournalFields.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.core.sink.internal.JournalCodec;
import dev.llmops.core.sink.internal.JournalFields;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Transcript} as one journal line, every component by name. Its text is already redacted,
 * so the journal holds nothing the store would not. Format version 1. Stateless.
 */
final class TranscriptCodec implements JournalCodec<Transcript> {
  static final TranscriptCodec INSTANCE = new TranscriptCodec();
  private static final int VERSION = 1;

  private TranscriptCodec() {}

  @Override
  public ObjectNode encode(Transcript t) {
    ObjectNode n = JournalFields.object(VERSION);
    n.put("callId", t.callId());
    n.put("at", t.at().toString());
    n.put("tenant", t.tenant());
    n.put("subjectHash", t.subjectHash());
    n.put("endpoint", t.endpoint());
    ArrayNode messages = n.putArray("messages");
    for (Message m : t.messages()) {
      ObjectNode o = messages.addObject();
      o.put("role", m.role().name());
      o.put("content", m.content());
      o.put("toolCallId", m.toolCallId());
      if (m.toolError()) {
        o.put("toolError", true); // only when set: transcripts written before the flag read the same
      }
      ArrayNode calls = o.putArray("toolCalls");
      for (ToolCall c : m.toolCalls()) {
        calls.addObject().put("id", c.id()).put("name", c.name()).put("arguments", c.argumentsJson());
      }
    }
    n.put("answer", t.answer());
    n.put("error", t.error());
    return n;
  }

  @Override
  public Transcript decode(JsonNode n) {
    JournalFields.requireVersion(n, VERSION);
    List<Message> messages = new ArrayList<>();
    for (JsonNode m : array(n, "messages")) {
      List<ToolCall> calls = new ArrayList<>();
      for (JsonNode c : array(m, "toolCalls")) {
        calls.add(new ToolCall(text(c, "id"), text(c, "name"), text(c, "arguments")));
      }
      messages.add(new Message(choice(m, "role", Role.class), text(m, "content"), calls, textOrNull(m, "toolCallId"),
          m.path("toolError").asBoolean(false)));
    }
    return new Transcript(text(n, "callId"), instant(n, "at"), textOrNull(n, "tenant"), textOrNull(n, "subjectHash"),
        textOrNull(n, "endpoint"), messages, textOrNull(n, "answer"), textOrNull(n, "error"));
  }
}
