package dev.llmops.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** A ledger record survives the journal exactly: every component, money to the last digit. */
class LedgerRecordCodecProperties {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 300)
  void everyRecordReadsBackEqualFromItsJournalLine(@ForAll("records") LedgerRecord record) throws Exception {
    byte[] line = JSON.writeValueAsBytes(LedgerRecordCodec.INSTANCE.encode(record));
    assertThat(line).doesNotContain((byte) '\n');
    assertThat(LedgerRecordCodec.INSTANCE.decode(JSON.readTree(line))).isEqualTo(record);
  }

  @Test
  void moneyIsWrittenAsDecimalTextNeverAsAFloatingPointNumber() {
    LedgerRecord r = sample(new Money(new BigDecimal("0.000000000000000001")));
    ObjectNode n = LedgerRecordCodec.INSTANCE.encode(r);
    assertThat(n.get("cost").get("total").isTextual()).isTrue();
    assertThat(n.get("cost").get("total").textValue()).isEqualTo("0.000000000000000001");
    assertThat(LedgerRecordCodec.INSTANCE.decode(n).cost().total()).isEqualTo(r.cost().total());
  }

  @Test
  void aLineMissingAFieldFailsNamingIt() {
    ObjectNode n = LedgerRecordCodec.INSTANCE.encode(sample(Money.usd("1.5")));
    n.remove("endpoint");
    assertThatThrownBy(() -> LedgerRecordCodec.INSTANCE.decode(n)).hasMessageContaining("field 'endpoint'");
    ObjectNode wrongVersion = LedgerRecordCodec.INSTANCE.encode(sample(Money.usd("1.5")));
    wrongVersion.put("v", 2);
    assertThatThrownBy(() -> LedgerRecordCodec.INSTANCE.decode(wrongVersion)).hasMessageContaining("format version 1");
    JsonNode notDecimal = LedgerRecordCodec.INSTANCE.encode(sample(Money.usd("1.5")));
    ((ObjectNode) notDecimal.get("cost")).put("input", "1,5");
    assertThatThrownBy(() -> LedgerRecordCodec.INSTANCE.decode(notDecimal)).hasMessageContaining("field 'input': not a decimal");
  }

  private static LedgerRecord sample(Money total) {
    return new LedgerRecord("call-1", 1, Instant.parse("2026-01-01T00:00:00Z"), Outcome.SUCCEEDED, "smart", "openai",
        "gpt-4o", "acme", null, "support", null, "reply", 3, null, null, false, Usage.of(10, 5),
        new Cost(total, total, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, false, "v1", ""), null);
  }

  @Provide
  Arbitrary<LedgerRecord> records() {
    Arbitrary<String> text = Arbitraries.strings().ofMaxLength(12);
    Arbitrary<String> maybe = text.injectNull(0.3);
    Arbitrary<Money> money = Arbitraries.bigDecimals().between(BigDecimal.ZERO, new BigDecimal("1000000")).ofScale(12)
        .map(Money::new);
    Arbitrary<Usage> usage = Combinators.combine(
        Arbitraries.longs().between(0, 1_000_000), Arbitraries.longs().between(0, 1_000_000),
        Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 100), Arbitraries.of(true, false))
        .as((in, out, cachedPct, reasoningPct, est) -> {
          long cached = in * cachedPct / 200;
          long write = in * cachedPct / 300;
          return new Usage(in, out, cached, write, out * reasoningPct / 100, est);
        });
    Arbitrary<List<Money>> parts = Combinators.combine(money.injectNull(0.2), money, money, money, money, money)
        .as((total, in, read, write, out, reasoning) -> Arrays.asList(total, in, read, write, out, reasoning));
    Arbitrary<Cost> cost = Combinators.combine(parts, Arbitraries.of(true, false), text, text)
        .as((p, estimated, catalog, pricedAs) -> new Cost(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5),
            estimated, catalog, pricedAs));
    Arbitrary<Instant> at = Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond)
        .flatMap(i -> Arbitraries.integers().between(0, 999_999_999).map(i::plusNanos));
    return Combinators.combine(
        Combinators.combine(text, Arbitraries.integers().between(0, 10), at, Arbitraries.of(Outcome.class), text, text,
            text, maybe).as(Head::new),
        Combinators.combine(maybe, maybe, maybe, maybe, Arbitraries.integers().between(0, 50), maybe, maybe,
            Arbitraries.of(true, false)).as(Middle::new),
        usage, cost, money.injectNull(0.7))
        .as((h, m, u, c, saved) -> new LedgerRecord(h.callId, h.attempt, h.at, h.outcome, h.endpoint, h.provider,
            h.model, h.tenant, m.subject, m.feature, m.apiKeyId, m.promptName, m.promptVersion, m.experimentKey,
            m.variant, m.shadow, u, c, saved));
  }

  private record Head(String callId, int attempt, Instant at, Outcome outcome, String endpoint, String provider,
      String model, String tenant) {}

  private record Middle(String subject, String feature, String apiKeyId, String promptName, int promptVersion,
      String experimentKey, String variant, boolean shadow) {}
}
