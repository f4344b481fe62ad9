package dev.llmops.core.audit;

import static dev.llmops.core.sink.internal.JournalFields.child;
import static dev.llmops.core.sink.internal.JournalFields.instant;
import static dev.llmops.core.sink.internal.JournalFields.text;
import static dev.llmops.core.sink.internal.JournalFields.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.sink.internal.JournalCodec;
import dev.llmops.core.sink.internal.JournalFields;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** An {@link AuditEvent} as one journal line, every component by name. Format version 1. Stateless. */
final class AuditEventCodec implements JournalCodec<AuditEvent> {
  static final AuditEventCodec INSTANCE = new AuditEventCodec();
  private static final int VERSION = 1;

  private AuditEventCodec() {}

  @Override
  public ObjectNode encode(AuditEvent e) {
    ObjectNode n = JournalFields.object(VERSION);
    n.put("at", e.at().toString());
    n.put("action", e.action());
    n.put("target", e.target());
    n.put("actor", e.actor());
    n.put("before", e.before());
    n.put("after", e.after());
    ObjectNode details = n.putObject("details");
    e.details().forEach(details::put);
    return n;
  }

  @Override
  public AuditEvent decode(JsonNode n) {
    JournalFields.requireVersion(n, VERSION);
    JsonNode d = child(n, "details");
    Map<String, String> details = new LinkedHashMap<>();
    for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      details.put(key, text(d, key));
    }
    return new AuditEvent(instant(n, "at"), text(n, "action"), text(n, "target"), textOrNull(n, "actor"),
        textOrNull(n, "before"), textOrNull(n, "after"), details);
  }
}
