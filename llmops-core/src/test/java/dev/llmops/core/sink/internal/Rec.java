package dev.llmops.core.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A numbered record for the queue's tests, with its journal codec. */
record Rec(int id) {
  static final JournalCodec<Rec> CODEC = new JournalCodec<>() {
    @Override
    public ObjectNode encode(Rec r) {
      ObjectNode n = JournalFields.object(1);
      n.put("id", r.id());
      return n;
    }

    @Override
    public Rec decode(JsonNode n) {
      JournalFields.requireVersion(n, 1);
      return new Rec(JournalFields.intValue(n, "id"));
    }
  };
}
