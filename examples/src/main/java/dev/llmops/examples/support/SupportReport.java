package dev.llmops.examples.support;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.core.accounting.Dimension;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.accounting.Summary;
import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.shadow.InMemoryShadowSink;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a {@link SupportDemo} run, and their rendering as a readable report. Immutable.
 *
 * @param tickets tickets simulated
 * @param answered tickets a model answered
 * @param overBudget tickets refused because the tenant's budget was spent
 * @param failed tickets no model could answer
 * @param callsPerVariant answered tickets per experiment variant
 * @param answeredBy answered tickets per model endpoint
 * @param byTenant ledger summary per tenant (user calls and shadow calls)
 * @param byModel ledger summary per provider model
 * @param primary ledger summary of user calls
 * @param shadow ledger summary of shadow calls
 * @param answeredCost the sum of the answered calls' own {@link Cost}s
 * @param attempts attempts started, user and shadow calls together
 * @param retries attempts beyond the first of their call
 * @param fallbacks fallbacks taken
 * @param shadowStats the shadow queue's counters
 * @param shadowPairs primary/shadow pairs the sink received
 * @param ledgerRecords records in the ledger
 * @param p50 median latency of answered tickets, in simulated time
 * @param p95 95th percentile latency of answered tickets, in simulated time
 * @param attributeNames the names of the attributes the answered calls' completions carried
 */
public record SupportReport(
    int tickets,
    int answered,
    int overBudget,
    int failed,
    Map<String, Integer> callsPerVariant,
    Map<String, Integer> answeredBy,
    Map<String, Summary> byTenant,
    Map<String, Summary> byModel,
    Summary primary,
    Summary shadow,
    Money answeredCost,
    int attempts,
    int retries,
    int fallbacks,
    Experiments.ShadowStats shadowStats,
    long shadowPairs,
    int ledgerRecords,
    Duration p50,
    Duration p95,
    java.util.Set<String> attributeNames) {

  static SupportReport of(
      List<Reply> replies,
      List<Duration> latencies,
      InMemoryLedger ledger,
      InMemoryShadowSink shadows,
      Experiments.ShadowStats shadowStats,
      RecordingListener events) {
    Map<String, Integer> variants = new TreeMap<>();
    Map<String, Integer> answeredBy = new TreeMap<>();
    Money answeredCost = Money.ZERO;
    int answered = 0;
    int overBudget = 0;
    int failed = 0;
    List<Duration> answeredLatencies = new ArrayList<>();
    java.util.Set<String> attributeNames = new java.util.TreeSet<>();
    for (int i = 0; i < replies.size(); i++) {
      Reply r = replies.get(i);
      switch (r.outcome()) {
        case ANSWERED -> {
          answered++;
          var c = java.util.Objects.requireNonNull(r.completion());
          String variant = c.attribute(Assignment.KEY).map(Assignment::variant).orElse("(not enrolled)");
          variants.merge(variant, 1, Integer::sum);
          answeredBy.merge(c.endpoint(), 1, Integer::sum);
          answeredCost = answeredCost.plus(c.attribute(Cost.KEY).flatMap(Cost::amount).orElse(Money.ZERO));
          answeredLatencies.add(latencies.get(i));
          c.attributes().keySet().forEach(k -> attributeNames.add(k.name()));
        }
        case OVER_BUDGET -> overBudget++;
        case FAILED -> failed++;
      }
    }
    Map<String, Integer> attemptsPerCall = new TreeMap<>();
    for (RecordingListener.Recorded e : events.events(RecordingListener.Type.ATTEMPT_START)) {
      attemptsPerCall.merge(e.callId(), 1, Integer::sum);
    }
    int attempts = attemptsPerCall.values().stream().mapToInt(Integer::intValue).sum();
    int retries = attempts - attemptsPerCall.size();
    Collections.sort(answeredLatencies);
    return new SupportReport(
        replies.size(), answered, overBudget, failed,
        Collections.unmodifiableMap(variants), Collections.unmodifiableMap(answeredBy),
        Collections.unmodifiableMap(new TreeMap<>(ledger.summarize(Dimension.TENANT))),
        Collections.unmodifiableMap(new TreeMap<>(ledger.summarize(Dimension.MODEL))),
        ledger.summarize(SupportReport::traffic).getOrDefault("user", Summary.EMPTY),
        ledger.summarize(SupportReport::traffic).getOrDefault("shadow", Summary.EMPTY),
        answeredCost,
        attempts,
        retries,
        events.events(Resilience.FallbackTaken.class).size(),
        shadowStats,
        shadows.received(),
        ledger.size(),
        percentile(answeredLatencies, 0.50),
        percentile(answeredLatencies, 0.95),
        java.util.Collections.unmodifiableSet(attributeNames));
  }

  private static String traffic(LedgerRecord record) {
    return record.shadow() ? "shadow" : "user";
  }

  private static Duration percentile(List<Duration> sorted, double p) {
    if (sorted.isEmpty()) {
      return Duration.ZERO;
    }
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** The report as text. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("llmops support assistant — ").append(tickets).append(" simulated tickets (offline, fake models)\n\n");
    out.append(String.format(Locale.ROOT, "tickets: %d answered, %d over budget, %d failed%n", answered, overBudget, failed));
    out.append("answered per experiment variant: ").append(callsPerVariant).append('\n');
    out.append("answered per model endpoint:     ").append(answeredBy).append('\n');
    out.append(String.format(Locale.ROOT, "shadow traffic: %d sampled, %d dropped, %d finished, %d pairs compared%n",
        shadowStats.offered(), shadowStats.dropped(), shadowStats.finished(), shadowPairs));
    out.append(String.format(Locale.ROOT, "attempts: %d (retries %d), fallbacks to the cheap model: %d%n",
        attempts, retries, fallbacks));
    out.append(String.format(Locale.ROOT, "latency of answered tickets (simulated): p50 %d ms, p95 %d ms%n%n",
        p50.toMillis(), p95.toMillis()));
    table(out, "tenant", byTenant);
    table(out, "model", byModel);
    out.append(String.format(Locale.ROOT, "cost of user calls %s USD, of shadow calls %s USD, total %s USD%n",
        primary.cost().amount().toPlainString(), shadow.cost().amount().toPlainString(),
        primary.cost().plus(shadow.cost()).amount().toPlainString()));
    return out.toString();
  }

  /** A cost report: records, tokens and cost per tenant and per model, then the total. */
  public static String renderCosts(String title, Map<String, Summary> byTenant, Map<String, Summary> byModel, Summary total) {
    StringBuilder out = new StringBuilder(title).append("\n\n");
    table(out, "tenant", byTenant);
    table(out, "model", byModel);
    out.append(String.format(Locale.ROOT, "total: %d records, %s USD%n", total.records(), total.cost().amount().toPlainString()));
    return out.toString();
  }

  private static void table(StringBuilder out, String what, Map<String, Summary> rows) {
    out.append(String.format(Locale.ROOT, "%-18s %8s %10s %10s %14s%n", what, "records", "input tok", "output tok", "cost USD"));
    rows.forEach((key, s) -> out.append(String.format(Locale.ROOT, "%-18s %8d %10d %10d %14s%n",
        key, s.records(), s.usage().inputTokens(), s.usage().outputTokens(), s.cost().amount().toPlainString())));
    out.append('\n');
  }
}
