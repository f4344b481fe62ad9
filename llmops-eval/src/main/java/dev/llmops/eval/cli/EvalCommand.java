package dev.llmops.eval.cli;

import dev.llmops.eval.compare.Baseline;
import dev.llmops.eval.compare.GatePolicy;
import dev.llmops.eval.gate.GateResult;
import dev.llmops.eval.gate.QualityGate;
import dev.llmops.eval.judge.JudgeCalibration;
import dev.llmops.eval.run.RepeatRule;
import dev.llmops.eval.run.RunResult;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command-line gate. Exit codes: 0 passed (or baseline written), 1 regression, 2 no baseline or
 * a usage error, 3 incomplete run (its budget ran out).
 *
 * <pre>
 * run     --suite CLASS [--candidate NAME] --baseline FILE [--reports DIR] [--name NAME] [--update-baseline]
 * compare --baseline FILE --candidate FILE [--reports DIR] [--name NAME] [--max-drop POINTS] [--alpha A]
 *         [--critical TAG,TAG]
 * </pre>
 *
 * {@code run} creates the {@link EvalSuite} {@code CLASS}, runs its candidate over its dataset and
 * gates the run against the baseline file; {@code compare} gates a candidate's results file (a
 * run's {@code .jsonl}, or a baseline-format {@code .json}) against a baseline without running
 * anything.
 */
public final class EvalCommand {
  /** Exit code of a usage error. */
  public static final int USAGE = 2;

  private static final String USAGE_TEXT = """
      usage:
        run     --suite CLASS [--candidate NAME] --baseline FILE [--reports DIR] [--name NAME] [--update-baseline]
        compare --baseline FILE --candidate FILE [--reports DIR] [--name NAME] [--max-drop POINTS] [--alpha A]
                [--critical TAG,TAG]
      exit codes: 0 passed, 1 regression, 2 no baseline or usage error, 3 incomplete run""";

  private EvalCommand() {}

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err));
  }

  /** Runs the command, printing to {@code out} and {@code err}; returns the exit code. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println(USAGE_TEXT);
      return USAGE;
    }
    Map<String, String> options;
    try {
      options = options(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    }
    try {
      return switch (args[0]) {
        case "run" -> run(options, out, err);
        case "compare" -> compare(options, out, err);
        default -> {
          err.println("unknown command '" + args[0] + "'");
          err.println(USAGE_TEXT);
          yield USAGE;
        }
      };
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    }
  }

  private static final Set<String> FLAGS = Set.of("--update-baseline");

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      if (FLAGS.contains(a)) {
        m.put(a, "true");
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + a + " needs a value");
        }
        m.put(a, args[++i]);
      }
    }
    return m;
  }

  private static String required(Map<String, String> o, String name) {
    String v = o.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return v;
  }

  private static int run(Map<String, String> o, PrintStream out, PrintStream err) {
    check(o, Set.of("--suite", "--candidate", "--baseline", "--reports", "--name", "--update-baseline"));
    String suiteClass = required(o, "--suite");
    Path baseline = Path.of(required(o, "--baseline"));
    try (EvalSuite suite = create(suiteClass)) {
      String name = o.getOrDefault("--candidate", suite.candidates().isEmpty() ? "" : suite.candidates().get(0));
      if (!suite.candidates().contains(name)) {
        throw new IllegalArgumentException("suite " + suiteClass + " has no candidate '" + name + "'; it has " + suite.candidates());
      }
      RunResult result = suite.run(suite.candidate(name));
      QualityGate.Builder gate = QualityGate.builder(baseline)
          .policy(suite.policy())
          .reports(Path.of(o.getOrDefault("--reports", "target/llmops-eval")), o.getOrDefault("--name", "report-" + name))
          .updateBaseline(o.containsKey("--update-baseline"));
      JudgeCalibration calibration = suite.calibration();
      if (calibration != null) {
        gate.calibration(calibration);
      }
      return report(gate.build().check(result), out, err);
    }
  }

  private static int compare(Map<String, String> o, PrintStream out, PrintStream err) {
    check(o, Set.of("--baseline", "--candidate", "--reports", "--name", "--max-drop", "--alpha", "--critical"));
    Path baseline = Path.of(required(o, "--baseline"));
    Path candidateFile = Path.of(required(o, "--candidate"));
    RunResult candidate = candidateFile.toString().toLowerCase(Locale.ROOT).endsWith(".jsonl")
        ? RunResult.fromResultsFile(candidateFile, RepeatRule.MAJORITY)
        : Baseline.read(candidateFile);
    GatePolicy policy = GatePolicy.defaults();
    try {
      if (o.containsKey("--max-drop")) {
        policy = policy.withMaxPassRateDrop(Double.parseDouble(o.get("--max-drop")));
      }
      if (o.containsKey("--alpha")) {
        policy = policy.withAlpha(Double.parseDouble(o.get("--alpha")));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--max-drop and --alpha take numbers: " + e.getMessage(), e);
    }
    if (o.containsKey("--critical")) {
      policy = policy.withCriticalTags(Set.copyOf(List.of(o.get("--critical").split(",", -1))));
    }
    QualityGate gate = QualityGate.builder(baseline)
        .policy(policy)
        .reports(Path.of(o.getOrDefault("--reports", "target/llmops-eval")), o.getOrDefault("--name", "report"))
        .build();
    return report(gate.check(candidate), out, err);
  }

  private static void check(Map<String, String> o, Set<String> allowed) {
    for (String k : o.keySet()) {
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException("unknown option " + k);
      }
    }
  }

  private static int report(GateResult r, PrintStream out, PrintStream err) {
    (r.failed() ? err : out).print(r.message().endsWith("\n") ? r.message() : r.message() + "\n");
    out.println("llmops-eval: " + r.status() + " (exit code " + r.status().exitCode() + ")");
    return r.status().exitCode();
  }

  private static EvalSuite create(String className) {
    try {
      Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
      if (!EvalSuite.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(className + " does not implement " + EvalSuite.class.getName());
      }
      return (EvalSuite) type.getConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("no suite class " + className + " on the class path", e);
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw new IllegalArgumentException(className + " needs a public no-argument constructor", e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("creating suite " + className + " failed: " + cause, cause);
    }
  }
}
