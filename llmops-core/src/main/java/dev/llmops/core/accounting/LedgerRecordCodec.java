package dev.llmops.core.accounting;

import static dev.llmops.core.sink.internal.JournalFields.bool;
import static dev.llmops.core.sink.internal.JournalFields.child;
import static dev.llmops.core.sink.internal.JournalFields.choice;
import static dev.llmops.core.sink.internal.JournalFields.decimal;
import static dev.llmops.core.sink.internal.JournalFields.decimalOrNull;
import static dev.llmops.core.sink.internal.JournalFields.instant;
import static dev.llmops.core.sink.internal.JournalFields.intValue;
import static dev.llmops.core.sink.internal.JournalFields.longValue;
import static dev.llmops.core.sink.internal.JournalFields.text;
import static dev.llmops.core.sink.internal.JournalFields.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.sink.internal.JournalCodec;
import dev.llmops.core.sink.internal.JournalFields;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LedgerRecord} as one journal line, every component by name; money as decimal strings,
 * never floating point. Format version 1. Stateless.
 */
final class LedgerRecordCodec implements JournalCodec<LedgerRecord> {
  static final LedgerRecordCodec INSTANCE = new LedgerRecordCodec();
  private static final int VERSION = 1;

  private LedgerRecordCodec() {}

  @Override
  public ObjectNode encode(LedgerRecord r) {
    ObjectNode n = JournalFields.object(VERSION);
    n.put("callId", r.callId());
    n.put("attempt", r.attempt());
    n.put("at", r.at().toString());
    n.put("outcome", r.outcome().name());
    n.put("endpoint", r.endpoint());
    n.put("provider", r.provider());
    n.put("model", r.model());
    n.put("tenant", r.tenant());
    n.put("subject", r.subject());
    n.put("feature", r.feature());
    n.put("apiKeyId", r.apiKeyId());
    n.put("promptName", r.promptName());
    n.put("promptVersion", r.promptVersion());
    n.put("experimentKey", r.experimentKey());
    n.put("variant", r.variant());
    n.put("shadow", r.shadow());
    Usage u = r.usage();
    ObjectNode usage = n.putObject("usage");
    usage.put("input", u.inputTokens());
    usage.put("output", u.outputTokens());
    usage.put("cachedInput", u.cachedInputTokens());
    usage.put("cacheWrite", u.cacheWriteTokens());
    usage.put("reasoning", u.reasoningTokens());
    usage.put("estimated", u.estimated());
    Cost c = r.cost();
    ObjectNode cost = n.putObject("cost");
    cost.put("total", plain(c.total()));
    cost.put("input", plain(c.input()));
    cost.put("cacheRead", plain(c.cacheRead()));
    cost.put("cacheWrite", plain(c.cacheWrite()));
    cost.put("output", plain(c.output()));
    cost.put("reasoning", plain(c.reasoning()));
    cost.put("estimated", c.estimated());
    cost.put("catalogVersion", c.catalogVersion());
    cost.put("pricedAs", c.pricedAs());
    n.put("saved", plain(r.saved()));
    return n;
  }

  private static @Nullable String plain(@Nullable Money m) {
    return m == null ? null : m.amount().toPlainString();
  }

  @Override
  public LedgerRecord decode(JsonNode n) {
    JournalFields.requireVersion(n, VERSION);
    JsonNode u = child(n, "usage");
    Usage usage = new Usage(longValue(u, "input"), longValue(u, "output"), longValue(u, "cachedInput"),
        longValue(u, "cacheWrite"), longValue(u, "reasoning"), bool(u, "estimated"));
    JsonNode c = child(n, "cost");
    BigDecimal total = decimalOrNull(c, "total");
    Cost cost = new Cost(total == null ? null : new Money(total), money(c, "input"), money(c, "cacheRead"),
        money(c, "cacheWrite"), money(c, "output"), money(c, "reasoning"), bool(c, "estimated"),
        text(c, "catalogVersion"), text(c, "pricedAs"));
    BigDecimal saved = decimalOrNull(n, "saved");
    return new LedgerRecord(
        text(n, "callId"), intValue(n, "attempt"), instant(n, "at"), choice(n, "outcome", Outcome.class),
        text(n, "endpoint"), text(n, "provider"), text(n, "model"),
        textOrNull(n, "tenant"), textOrNull(n, "subject"), textOrNull(n, "feature"), textOrNull(n, "apiKeyId"),
        textOrNull(n, "promptName"), intValue(n, "promptVersion"), textOrNull(n, "experimentKey"),
        textOrNull(n, "variant"), bool(n, "shadow"), usage, cost, saved == null ? null : new Money(saved));
  }

  private static Money money(JsonNode n, String field) {
    return new Money(decimal(n, field));
  }
}
