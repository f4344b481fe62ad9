package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.accounting.Dimension;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.accounting.Outcome;
import dev.llmops.core.accounting.Summary;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcLedgerTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.migrated();

  private JdbcLedger ledger;

  @BeforeEach
  void setUp() {
    db.execute("TRUNCATE " + db.schema() + ".llmops_ledger");
    ledger = JdbcLedger.builder(db.dataSource()).schema(db.schema()).build();
  }

  static LedgerRecord record(String callId, int attempt, Instant at, String tenant, String model, String cost) {
    Money total = Money.usd(cost);
    return new LedgerRecord(callId, attempt, at, Outcome.SUCCEEDED, "smart", "openai", model, tenant, "user-1", "support",
        null, "support-reply", 3, "exp", "b", false, new Usage(1200, 300, 200, 0, 50, false),
        new Cost(total, total, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO, false, "2026-11", model), null);
  }

  @Test
  void migratingAgainRunsNothingAndTheTablesAreInTheConfiguredSchema() {
    assertThat(JdbcMigrations.migrate(db.dataSource(), db.schema())).isZero();
    assertThat(db.number("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + db.schema()
        + "' AND table_name = 'llmops_ledger'")).isEqualTo(1);
    assertThat(db.number("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        + " AND table_name = 'llmops_ledger'")).as("nothing outside the schema").isZero();
  }

  @Test
  void aBatchIsStoredWithEveryFieldAndEveryDigit() {
    Instant at = Instant.parse("2026-12-01T10:15:30.123456Z");
    Money exact = Money.usd("0.000123456789012345678");
    LedgerRecord full = new LedgerRecord("call-1", 2, at, Outcome.FAILED, "smart", "anthropic", "claude-haiku-4-5", "acme",
        "user-7", "support", "key-9", "support-reply", 4, "exp-1", "treatment", true,
        new Usage(1000, 400, 300, 100, 20, true),
        new Cost(exact, Money.usd("0.0001"), Money.usd("0.00002"), Money.usd("0.000003"), Money.usd("1E+3"),
            Money.usd("0.000000000000000001"), true, "2026-11", "claude-haiku-4-5"),
        null);
    LedgerRecord unknownCost = new LedgerRecord("call-2", 1, at.plusSeconds(1), Outcome.CACHE_HIT, "cheap", "openai",
        "gpt-4o-mini", null, null, null, null, null, 0, null, null, false, Usage.ZERO, Cost.unknown(false, "2026-11"),
        Money.usd("0.25"));

    ledger.write(List.of(full, unknownCost));

    assertThat(ledger.records(null, null, 10)).containsExactly(full, unknownCost);
  }

  @Test
  void aRetriedBatchNeverCountsAnAttemptTwice() {
    Instant at = Instant.parse("2026-12-01T10:00:00Z");
    List<LedgerRecord> batch = List.of(record("c1", 1, at, "acme", "m", "0.01"), record("c1", 2, at, "acme", "m", "0.02"));
    ledger.write(batch);
    ledger.write(batch);
    ledger.write(List.of(batch.get(1), record("c2", 1, at, "acme", "m", "0.04")));

    assertThat(ledger.count()).isEqualTo(3);
    assertThat(ledger.total().cost()).isEqualTo(Money.usd("0.07"));
  }

  @Test
  void summariesAndTotalsEqualTheInMemoryLedgersForTheSameRecords() {
    InMemoryLedger memory = InMemoryLedger.create();
    Instant day1 = Instant.parse("2026-12-01T23:30:00Z");
    List<LedgerRecord> records = List.of(
        record("a", 1, day1, "acme", "gpt-4o", "0.0125"),
        record("b", 1, day1.plusSeconds(600), "acme", "gpt-4o-mini", "0.00015"), // 2026-12-02 in UTC
        record("c", 1, day1.plusSeconds(3600), "globex", "gpt-4o", "1.1"),
        new LedgerRecord("d", 1, day1, Outcome.FAILED, "smart", "openai", "mystery", null, null, null, null, null, 0,
            null, null, true, Usage.of(10, 0).asEstimate(), Cost.unknown(true, "2026-11"), null),
        new LedgerRecord("e", 0, day1, Outcome.CACHE_HIT, "smart", "openai", "gpt-4o", "acme", null, null, null, "p", 2,
            null, null, false, Usage.ZERO, Cost.ZERO, Money.usd("0.5")));
    records.forEach(memory::record);
    ledger.write(records);

    for (Dimension d : Dimension.values()) {
      assertThat(ledger.summarize(d)).as("by %s", d).isEqualTo(memory.summarize(d));
    }
    assertThat(ledger.total()).isEqualTo(memory.total());
    Summary acme = ledger.summarize(Dimension.TENANT).get("acme");
    assertThat(acme.cost()).isEqualTo(Money.usd("0.01265"));
    assertThat(acme.saved()).isEqualTo(Money.usd("0.5"));
    assertThat(ledger.summarize(Dimension.TENANT).get(Dimension.NONE).unknownCostRecords()).isEqualTo(1);
    assertThat(ledger.total(day1.plusSeconds(1), null).records()).isEqualTo(2);
  }

  @Test
  void dailySpendFollowsTheAskedZonesMidnight() {
    Instant late = Instant.parse("2026-12-01T23:30:00Z");
    ledger.write(List.of(
        record("a", 1, late, "acme", "gpt-4o", "0.01"),
        record("b", 1, late.plusSeconds(3600), "acme", "gpt-4o", "0.02"),
        record("c", 1, late.plusSeconds(3600), "globex", "gpt-4o", "0.04")));
    Instant from = Instant.parse("2026-11-30T00:00:00Z");
    Instant to = Instant.parse("2026-12-03T00:00:00Z");

    List<DailySummary> utc = ledger.daily(Dimension.TENANT, from, to, ZoneOffset.UTC);
    assertThat(utc).extracting(DailySummary::day, DailySummary::key, s -> s.summary().cost()).containsExactly(
        org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-12-01"), "acme", Money.usd("0.01")),
        org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-12-02"), "acme", Money.usd("0.02")),
        org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-12-02"), "globex", Money.usd("0.04")));

    List<DailySummary> berlin = ledger.daily(Dimension.TENANT, from, to, ZoneId.of("Europe/Berlin"));
    assertThat(berlin).extracting(DailySummary::day, DailySummary::key, s -> s.summary().cost()).containsExactly(
        org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-12-02"), "acme", Money.usd("0.03")),
        org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-12-02"), "globex", Money.usd("0.04")));
  }

  @Test
  void aRowTheDatabaseRefusesFailsTheWholeBatchNamingTableAndConstraint() {
    Instant at = Instant.parse("2026-12-01T10:00:00Z");
    List<LedgerRecord> batch = List.of(record("ok", 1, at, "acme", "m", "0.01"), record("bad", -1, at, "acme", "m", "0.01"));

    assertThatThrownBy(() -> ledger.write(batch))
        .isInstanceOf(JdbcStoreException.class)
        .hasMessageContaining(db.schema() + ".llmops_ledger")
        .hasMessageContaining("llmops_ledger_attempt_check")
        .satisfies(e -> assertThat(((JdbcStoreException) e).retryable()).isFalse());
    assertThat(ledger.count()).as("the batch is one transaction").isZero();
  }

  @Test
  void textTheDatabaseCannotHoldIsStoredReplacedRatherThanBlockingTheQueue() {
    ledger.write(List.of(record("nul\0call", 1, Instant.parse("2026-12-01T10:00:00Z"), "ac\0me", "m", "0.01")));

    assertThat(ledger.records(null, null, 1).get(0).tenant()).isEqualTo("ac\uFFFDme");
  }

  @Test
  void aSchemaThatWasNeverMigratedIsReportedByName() {
    JdbcLedger missing = JdbcLedger.builder(db.dataSource()).schema("llmops_never_migrated").build();

    assertThatThrownBy(missing::count).isInstanceOf(JdbcStoreException.class)
        .hasMessageContaining("llmops_never_migrated.llmops_ledger");
  }

  @Test
  void aSchemaNameThatIsNotAPlainIdentifierIsRefused() {
    assertThatThrownBy(() -> JdbcLedger.builder(db.dataSource()).schema("llmops; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
    assertThatThrownBy(() -> JdbcMigrations.migrate(db.dataSource(), "Upper"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
  }

  @Test
  void summariesOfAnEmptyLedgerAreEmpty() {
    assertThat(ledger.summarize(Dimension.MODEL)).isEqualTo(Map.of());
    assertThat(ledger.total()).isEqualTo(Summary.EMPTY);
  }
}
