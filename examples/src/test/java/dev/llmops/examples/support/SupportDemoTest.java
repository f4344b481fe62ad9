package dev.llmops.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.Money;
import dev.llmops.core.accounting.Summary;
import java.math.BigDecimal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo runs offline and its report adds up. */
class SupportDemoTest {
  static SupportReport report;

  @BeforeAll
  static void run() {
    report = SupportDemo.run(300, 7, false);
  }

  @Test
  void everyTicketIsCountedOnce() {
    assertThat(report.answered() + report.overBudget() + report.failed()).isEqualTo(report.tickets()).isEqualTo(300);
    assertThat(report.callsPerVariant().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(report.answered());
    assertThat(report.answeredBy().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(report.answered());
  }

  @Test
  void costsAddUpAcrossTenantsModelsAndCalls() {
    Money byTenant = sum(report.byTenant().values());
    Money byModel = sum(report.byModel().values());
    Money total = report.primary().cost().plus(report.shadow().cost());
    assertThat(byTenant).isEqualTo(byModel).isEqualTo(total);
    assertThat(total.amount()).isPositive();
    // The cost each answered call carries is exactly the user-traffic ledger: failed attempts and
    // refused calls cost nothing, and shadow calls are accounted apart.
    assertThat(report.answeredCost()).isEqualTo(report.primary().cost());
    long tokensByTenant = report.byTenant().values().stream().mapToLong(s -> s.usage().totalTokens()).sum();
    long tokensByModel = report.byModel().values().stream().mapToLong(s -> s.usage().totalTokens()).sum();
    assertThat(tokensByTenant).isEqualTo(tokensByModel)
        .isEqualTo(report.primary().usage().totalTokens() + report.shadow().usage().totalTokens());
  }

  @Test
  void completionsShowResultsNotTheStepsWorkingState() {
    assertThat(report.attributeNames()).isNotEmpty().allMatch(name -> !name.endsWith(".state")
        && !name.equals("llmops.budget.admitted") && !name.equals("llmops.experiment.shadow_job"));
  }

  @Test
  void everyAttemptHasExactlyOneLedgerRecord() {
    assertThat(report.ledgerRecords()).isEqualTo(report.attempts());
    assertThat(report.primary().records() + report.shadow().records()).isEqualTo(report.ledgerRecords());
  }

  @Test
  void theInjectedFaultsShowAsRetriesFallbacksAndRejections() {
    assertThat(report.retries()).isPositive();
    assertThat(report.fallbacks()).isPositive();
    assertThat(report.answeredBy()).containsKeys("smart", "canary", "cheap");
    assertThat(report.overBudget()).as("a tenant spends its daily budget").isPositive();
    assertThat(report.failed()).as("the fallback model answers what the primary cannot").isZero();
  }

  @Test
  void theCanaryGetsAboutTenPercentAndShadowAboutFivePercent() {
    int canary = report.callsPerVariant().getOrDefault("canary", 0);
    assertThat(canary).isBetween(report.answered() * 2 / 100, report.answered() * 25 / 100);
    assertThat(report.shadowStats().offered()).isPositive().isLessThan(report.tickets() / 5);
    assertThat(report.shadowStats().finished()).isEqualTo(report.shadowStats().offered() - report.shadowStats().dropped());
    assertThat(report.shadowPairs()).isEqualTo(report.shadowStats().finished());
    // A shadow call is admitted against the tenant's budget like any other: one refused there
    // finishes without reaching a model, so without a ledger record.
    assertThat(report.shadow().records()).isPositive().isLessThanOrEqualTo(report.shadowStats().finished());
  }

  @Test
  void latencyPercentilesAreOrderedAndIncludeRetries() {
    assertThat(report.p50()).isPositive();
    assertThat(report.p95()).isGreaterThanOrEqualTo(report.p50());
    assertThat(report.p95().toMillis()).as("retries after Retry-After 1 s show in the tail").isGreaterThan(1000);
  }

  @Test
  void theReportIsReadableAndNeverShowsTheCustomersPersonalData() {
    String text = report.render();
    assertThat(text).contains("300 simulated tickets", "answered per experiment variant", "p50", "p95",
        "tenant", "model", "gpt-4o", "claude-haiku-4-5", "shadow traffic");
    assertThat(text).doesNotContain("4111 1111 1111 1111", "jane.doe@example.com");
  }

  private static Money sum(Iterable<Summary> summaries) {
    Money total = Money.usd(BigDecimal.ZERO);
    for (Summary s : summaries) {
      total = total.plus(s.cost());
    }
    return total;
  }
}
