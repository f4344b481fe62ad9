package dev.llmops.jdbc;

import dev.llmops.core.accounting.Summary;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The ledger's totals for one day and one value of a dimension (a tenant, a model, a feature, a
 * variant). Immutable.
 *
 * @param day the calendar day, in the zone the query asked for
 * @param key the dimension's value, or {@link dev.llmops.core.accounting.Dimension#NONE}
 * @param summary the totals, as {@link dev.llmops.core.accounting.InMemoryLedger#summarize} counts them
 */
public record DailySummary(LocalDate day, String key, Summary summary) {

  /** Checks the components. */
  public DailySummary {
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(summary, "summary");
  }
}
