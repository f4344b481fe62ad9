package dev.llmops.eval.compare;

import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.run.CaseOutcome;
import dev.llmops.eval.run.Candidate;
import dev.llmops.eval.run.EvalRunner;
import dev.llmops.eval.run.RunResult;
import dev.llmops.eval.stats.BootstrapInterval;
import dev.llmops.eval.stats.Holm;
import dev.llmops.eval.stats.McNemar;
import dev.llmops.eval.stats.Proportion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A candidate's run compared with a baseline's, paired per case (by case id; cases only one side
 * ran are counted and left out): pass rates with Wilson intervals, the exact McNemar test on the
 * discordant cases, a seeded paired bootstrap interval of the mean score difference, a per-tag
 * breakdown, the cases that changed, and the {@link Verdict}. Immutable and thread-safe.
 */
public final class Comparison {
  private final RunResult baseline;
  private final RunResult candidate;
  private final GatePolicy policy;
  private final int pairs;
  private final int onlyBaseline;
  private final int onlyCandidate;
  private final Proportion baselinePassRate;
  private final Proportion candidatePassRate;
  private final McNemar test;
  private final @Nullable BootstrapInterval scoreDifference;
  private final List<TagComparison> tags;
  private final List<CaseChange> regressed;
  private final List<CaseChange> fixed;
  private final Verdict verdict;
  private final List<String> reasons;

  private Comparison(RunResult baseline, RunResult candidate, GatePolicy policy) {
    this.baseline = baseline;
    this.candidate = candidate;
    this.policy = policy;
    List<CaseOutcome[]> paired = new ArrayList<>();
    int only = 0;
    for (CaseOutcome c : candidate.outcomes()) {
      CaseOutcome b = baseline.outcome(c.caseId()).orElse(null);
      if (b == null) {
        only++;
      } else {
        paired.add(new CaseOutcome[] {b, c});
      }
    }
    this.pairs = paired.size();
    this.onlyCandidate = only;
    this.onlyBaseline = baseline.outcomes().size() - pairs;
    Tally set = count(paired);
    this.baselinePassRate = Proportion.wilson(set.basePasses, pairs, policy.confidence());
    this.candidatePassRate = Proportion.wilson(set.candPasses, pairs, policy.confidence());
    this.test = McNemar.exact(set.regressed.size(), set.fixed.size());
    this.regressed = List.copyOf(set.regressed);
    this.fixed = List.copyOf(set.fixed);
    if (pairs > 0) {
      double[] b = new double[pairs];
      double[] c = new double[pairs];
      for (int i = 0; i < pairs; i++) {
        b[i] = paired.get(i)[0].score();
        c[i] = paired.get(i)[1].score();
      }
      this.scoreDifference = BootstrapInterval.pairedMeanDifference(
          b, c, policy.bootstrapResamples(), policy.confidence(), new SplittableRandom(policy.bootstrapSeed()));
    } else {
      this.scoreDifference = null;
    }
    this.tags = tags(paired, policy);
    List<String> why = new ArrayList<>();
    this.verdict = decide(why);
    this.reasons = List.copyOf(why);
  }

  /** Compares {@code candidate} with {@code baseline} under {@code policy}. */
  public static Comparison of(RunResult baseline, RunResult candidate, GatePolicy policy) {
    return new Comparison(Objects.requireNonNull(baseline, "baseline"), Objects.requireNonNull(candidate, "candidate"),
        Objects.requireNonNull(policy, "policy"));
  }

  /** Runs baseline and candidate side by side over {@code dataset} (one after the other) and compares them. */
  public static Comparison sideBySide(
      EvalRunner runner, Dataset dataset, Candidate baseline, Candidate candidate, GatePolicy policy) {
    RunResult b = runner.run(dataset, baseline);
    RunResult c = runner.run(dataset, candidate);
    return of(b, c, policy);
  }

  private static final class Tally {
    int basePasses;
    int candPasses;
    final List<CaseChange> regressed = new ArrayList<>();
    final List<CaseChange> fixed = new ArrayList<>();
  }

  private Tally count(List<CaseOutcome[]> paired) {
    Tally s = new Tally();
    for (CaseOutcome[] p : paired) {
      CaseOutcome b = p[0];
      CaseOutcome c = p[1];
      if (b.passed()) {
        s.basePasses++;
      }
      if (c.passed()) {
        s.candPasses++;
      }
      boolean critical = !Collections.disjoint(c.tags(), policy.criticalTags());
      if (b.passed() && !c.passed()) {
        s.regressed.add(new CaseChange(c.caseId(), c.tags(), b.answer(), c.answer(), b.score(), c.score(), c.failures(), critical));
      } else if (!b.passed() && c.passed()) {
        s.fixed.add(new CaseChange(c.caseId(), c.tags(), b.answer(), c.answer(), b.score(), c.score(), b.failures(), critical));
      }
    }
    return s;
  }

  private static List<TagComparison> tags(List<CaseOutcome[]> paired, GatePolicy policy) {
    Map<String, int[]> counts = new TreeMap<>(); // tag -> {n, basePasses, candPasses, b, c}
    for (CaseOutcome[] p : paired) {
      for (String tag : p[1].tags()) {
        int[] k = counts.computeIfAbsent(tag, t -> new int[5]);
        k[0]++;
        k[1] += p[0].passed() ? 1 : 0;
        k[2] += p[1].passed() ? 1 : 0;
        k[3] += p[0].passed() && !p[1].passed() ? 1 : 0;
        k[4] += !p[0].passed() && p[1].passed() ? 1 : 0;
      }
    }
    List<String> names = new ArrayList<>(counts.keySet());
    double[] p = new double[names.size()];
    List<McNemar> tests = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      int[] k = Objects.requireNonNull(counts.get(names.get(i)), "counts");
      McNemar t = McNemar.exact(k[3], k[4]);
      tests.add(t);
      p[i] = t.pValue();
    }
    double[] holm = Holm.adjust(p);
    List<TagComparison> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      int[] k = Objects.requireNonNull(counts.get(names.get(i)), "counts");
      out.add(new TagComparison(names.get(i), Proportion.wilson(k[1], k[0], policy.confidence()),
          Proportion.wilson(k[2], k[0], policy.confidence()), tests.get(i), holm[i]));
    }
    return List.copyOf(out);
  }

  private Verdict decide(List<String> why) {
    double delta = passRateDeltaPoints();
    boolean significant = test.pValue() < policy.alpha();
    boolean regression = false;
    if (delta < -policy.maxPassRateDrop() && significant) {
      why.add(String.format(Locale.ROOT, "pass rate dropped by %.1f points (more than %.1f) with exact McNemar p = %s (< %s)",
          -delta, policy.maxPassRateDrop(), p(test.pValue()), policy.alpha()));
      regression = true;
    }
    List<String> critical = new ArrayList<>();
    for (CaseChange c : regressed) {
      if (c.critical()) {
        critical.add(c.caseId());
      }
    }
    if (!critical.isEmpty()) {
      why.add("critical case" + (critical.size() > 1 ? "s " : " ") + String.join(", ", critical) + " newly fail"
          + (critical.size() > 1 ? "" : "s"));
      regression = true;
    }
    Double maxDrop = policy.maxMeanScoreDrop();
    BootstrapInterval d = scoreDifference;
    if (maxDrop != null && d != null && d.interval().upper() < -maxDrop) {
      why.add(String.format(Locale.ROOT, "mean score fell: its %.0f %% interval [%.3f, %.3f] lies below -%.3f",
          policy.confidence() * 100, d.interval().lower(), d.interval().upper(), maxDrop));
      regression = true;
    }
    if (regression) {
      return Verdict.REGRESSION;
    }
    boolean improvement = false;
    if (delta > policy.maxPassRateDrop() && significant) {
      why.add(String.format(Locale.ROOT, "pass rate rose by %.1f points with exact McNemar p = %s", delta, p(test.pValue())));
      improvement = true;
    }
    if (maxDrop != null && d != null && d.interval().lower() > maxDrop) {
      why.add(String.format(Locale.ROOT, "mean score rose: its interval [%.3f, %.3f] lies above %.3f",
          d.interval().lower(), d.interval().upper(), maxDrop));
      improvement = true;
    }
    if (improvement) {
      return Verdict.IMPROVEMENT;
    }
    why.add(String.format(Locale.ROOT, "pass rate %+.1f points, exact McNemar p = %s: within the thresholds", delta,
        p(test.pValue())));
    return Verdict.NO_SIGNIFICANT_CHANGE;
  }

  static String p(double p) {
    return p < 0.0001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
  }

  /** The baseline's run. */
  public RunResult baseline() {
    return baseline;
  }

  /** The candidate's run. */
  public RunResult candidate() {
    return candidate;
  }

  /** The policy the verdict was decided by. */
  public GatePolicy policy() {
    return policy;
  }

  /** How many cases both sides ran. */
  public int pairs() {
    return pairs;
  }

  /** How many cases only the baseline ran (left out). */
  public int onlyBaseline() {
    return onlyBaseline;
  }

  /** How many cases only the candidate ran (left out). */
  public int onlyCandidate() {
    return onlyCandidate;
  }

  /** The baseline's pass rate on the paired cases, with its Wilson interval. */
  public Proportion baselinePassRate() {
    return baselinePassRate;
  }

  /** The candidate's pass rate on the paired cases, with its Wilson interval. */
  public Proportion candidatePassRate() {
    return candidatePassRate;
  }

  /** The candidate's pass rate minus the baseline's on the paired cases, in percentage points. */
  public double passRateDeltaPoints() {
    return pairs == 0 ? 0 : 100.0 * (candidatePassRate.successes() - baselinePassRate.successes()) / pairs;
  }

  /** The exact McNemar test on the discordant cases. */
  public McNemar test() {
    return test;
  }

  /** The bootstrap interval of the mean score difference (candidate minus baseline), or null with no pairs. */
  public @Nullable BootstrapInterval scoreDifference() {
    return scoreDifference;
  }

  /** The per-tag breakdown, by tag name. */
  public List<TagComparison> tags() {
    return tags;
  }

  /** Cases the baseline passed and the candidate fails. */
  public List<CaseChange> regressed() {
    return regressed;
  }

  /** Cases the baseline failed and the candidate passes. */
  public List<CaseChange> fixed() {
    return fixed;
  }

  /** The verdict. */
  public Verdict verdict() {
    return verdict;
  }

  /** Why the verdict is what it is, one line per reason. */
  public List<String> reasons() {
    return reasons;
  }

  /** True when the two runs used different versions of the dataset (only shared case ids are compared). */
  public boolean datasetChanged() {
    return !baseline.datasetVersion().equals(candidate.datasetVersion());
  }

  /**
   * True when a release gate must fail: the verdict is a regression, or the candidate's run is
   * incomplete (its budget ran out, or it was stopped), so it cannot vouch for the candidate.
   */
  public boolean gateFails() {
    return verdict == Verdict.REGRESSION || !candidate.complete();
  }

  /** A readable summary: verdict, figures, reasons and the regressed cases (for a console or a failed test). */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append("llmops-eval: ").append(verdict).append(" on ").append(candidate.datasetId()).append('\n');
    sb.append("  candidate ").append(candidate.candidateName()).append(" vs baseline ").append(baseline.candidateName());
    if (datasetChanged()) {
      sb.append(" (baseline on dataset version ").append(baseline.datasetVersion()).append(')');
    }
    sb.append('\n');
    sb.append(String.format(Locale.ROOT, "  pass rate %s -> %s: %+.1f points, exact McNemar p = %s (b = %d, c = %d)%n",
        rate(baselinePassRate), rate(candidatePassRate), passRateDeltaPoints(), p(test.pValue()),
        test.baselineOnly(), test.candidateOnly()));
    BootstrapInterval d = scoreDifference;
    if (d != null) {
      sb.append(String.format(Locale.ROOT,
          "  mean score %.3f -> %.3f: %+.3f, %.0f %% bootstrap interval [%+.3f, %+.3f] (%d resamples, seed %d)%n",
          baseline.meanScore(), candidate.meanScore(), d.meanDifference(), d.confidence() * 100,
          d.interval().lower(), d.interval().upper(), d.resamples(), policy.bootstrapSeed()));
    }
    if (onlyBaseline + onlyCandidate > 0) {
      sb.append("  not paired: ").append(onlyBaseline).append(" case(s) only in the baseline, ")
          .append(onlyCandidate).append(" only in the candidate\n");
    }
    if (!candidate.complete()) {
      sb.append("  INCOMPLETE: ").append(candidate.notRun()).append(" case repeat(s) did not run")
          .append(candidate.budgetExhausted() ? " (run budget exhausted)" : "").append('\n');
    }
    for (String r : reasons) {
      sb.append("  why: ").append(r).append('\n');
    }
    if (!regressed.isEmpty()) {
      sb.append("  regressed cases (").append(regressed.size()).append("):\n");
      for (CaseChange c : regressed) {
        sb.append("    ").append(c.caseId()).append(c.critical() ? " (critical)" : "")
            .append(" [").append(String.join(", ", new TreeSet<>(c.tags()))).append("] ").append(c.why()).append('\n');
      }
    }
    return sb.toString();
  }

  static String rate(Proportion p) {
    return String.format(Locale.ROOT, "%.1f%% [%.1f%%, %.1f%%]", 100 * p.estimate(),
        100 * p.interval().lower(), 100 * p.interval().upper());
  }

  @Override
  public String toString() {
    return "Comparison[" + verdict + ", " + candidate.candidateName() + " vs " + baseline.candidateName() + "]";
  }
}
