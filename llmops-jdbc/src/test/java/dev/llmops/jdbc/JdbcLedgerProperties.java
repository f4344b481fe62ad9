package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.accounting.Dimension;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.accounting.Outcome;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Issue 17: random ledger records written by concurrent writers, every batch possibly written twice
 * (a retry), come back from the database exactly as written, and the database's totals equal the
 * in-memory ledger's to the last decimal.
 */
class JdbcLedgerProperties {
  private static final TestDatabase db = TestDatabase.migrated();
  private static final AtomicLong TRIES = new AtomicLong();

  @BeforeContainer
  static void open() {
    db.open(JdbcLedgerProperties.class.getSimpleName());
  }

  @AfterContainer
  static void close() {
    db.close();
  }

  @Property(tries = 40)
  void recordsRoundTripAndTotalsEqualTheInMemoryLedgersUnderConcurrentRetriedBatches(
      @ForAll("records") @Size(max = 60) List<LedgerRecord> generated,
      @ForAll @IntRange(min = 1, max = 9) int batchSize,
      @ForAll @IntRange(min = 1, max = 4) int writers,
      @ForAll("retried") List<Boolean> retried) throws Exception {
    db.execute("TRUNCATE " + db.schema() + ".llmops_ledger");
    long tryId = TRIES.incrementAndGet();
    List<LedgerRecord> records = new ArrayList<>();
    for (int i = 0; i < generated.size(); i++) { // unique (call id, attempt) per try
      LedgerRecord r = generated.get(i);
      records.add(new LedgerRecord("t" + tryId + "-c" + i, r.attempt(), r.at(), r.outcome(), r.endpoint(), r.provider(),
          r.model(), r.tenant(), r.subject(), r.feature(), r.apiKeyId(), r.promptName(), r.promptVersion(),
          r.experimentKey(), r.variant(), r.shadow(), r.usage(), r.cost(), r.saved()));
    }
    InMemoryLedger memory = InMemoryLedger.create();
    records.forEach(memory::record);
    JdbcLedger ledger = JdbcLedger.builder(db.dataSource()).schema(db.schema()).build();

    List<List<LedgerRecord>> batches = new ArrayList<>();
    for (int i = 0; i < records.size(); i += batchSize) {
      List<LedgerRecord> batch = records.subList(i, Math.min(records.size(), i + batchSize));
      batches.add(batch);
      if (retried.get(batches.size() % retried.size())) {
        batches.add(batch);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (List<LedgerRecord> batch : batches) {
        writes.add(CompletableFuture.runAsync(() -> ledger.write(batch), pool));
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
    } finally {
      pool.shutdownNow();
    }

    Comparator<LedgerRecord> order = Comparator.comparing(LedgerRecord::at).thenComparing(LedgerRecord::callId)
        .thenComparingInt(LedgerRecord::attempt);
    List<LedgerRecord> expected = new ArrayList<>(records);
    expected.sort(order);
    assertThat(ledger.records(null, null, 1_000)).isEqualTo(expected);
    assertThat(ledger.total()).isEqualTo(memory.total());
    for (Dimension d : Dimension.values()) {
      assertThat(ledger.summarize(d)).as("by %s", d).isEqualTo(memory.summarize(d));
    }
  }

  @Provide
  Arbitrary<List<Boolean>> retried() {
    return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<LedgerRecord>> records() {
    Arbitrary<Instant> at = Arbitraries.longs().between(0, 90L * 24 * 3600 * 1_000_000)
        .map(us -> Instant.parse("2026-10-01T00:00:00Z").plus(us, ChronoUnit.MICROS));
    Arbitrary<String> tenant = Arbitraries.of("acme", "globex", "initech", "(none)x").injectNull(0.2);
    Arbitrary<String> model = Arbitraries.of("gpt-4o", "gpt-4o-mini", "claude-haiku-4-5");
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6).injectNull(0.3);
    Arbitrary<Usage> usage = Combinators.combine(
        Arbitraries.longs().between(0, 200_000), Arbitraries.longs().between(0, 50_000), Arbitraries.integers().between(0, 100),
        Arbitraries.integers().between(0, 100), Arbitraries.of(true, false))
        .as((in, out, cachedPct, reasoningPct, est) -> new Usage(in, out, in * cachedPct / 200, in * cachedPct / 300,
            out * reasoningPct / 100, est));
    Arbitrary<Money> money = Combinators.combine(Arbitraries.longs().between(0, 1_000_000_000_000L),
        Arbitraries.integers().between(0, 18)).as((unscaled, scale) -> Money.usd(BigDecimal.valueOf(unscaled, scale)));
    Arbitrary<Cost> cost = Combinators.combine(money, money, money, Arbitraries.of(true, false), Arbitraries.integers().between(0, 9))
        .as((total, input, output, est, unknown) -> unknown == 0
            ? Cost.unknown(est, "2026-11")
            : new Cost(total, input, Money.ZERO, Money.ZERO, output, Money.ZERO, est, "2026-11", "entry"));
    Arbitrary<Outcome> outcome = Arbitraries.of(Outcome.class);
    return Combinators.combine(at, tenant, model, word, usage, cost, outcome, money.injectNull(0.7))
        .as((when, t, m, w, u, c, o, saved) -> new LedgerRecord("placeholder", o == Outcome.CACHE_HIT ? 0 : 1 + (w == null ? 0 : w.length()),
            when, o, "smart", "openai", m, t, w, w == null ? "support" : null, null, w, w == null ? 0 : 3, null, w,
            w != null && w.length() % 2 == 0, u, c, saved))
        .list();
  }
}
