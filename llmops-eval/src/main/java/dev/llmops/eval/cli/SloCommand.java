package dev.llmops.eval.cli;

import dev.llmops.api.ConfigurationException;
import dev.llmops.core.config.LlmOpsConfig;
import dev.llmops.eval.monitor.Slo;
import dev.llmops.eval.monitor.SloDashboard;
import dev.llmops.eval.monitor.SloRules;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the Prometheus alerting rules and the Grafana dashboard for the {@code slos} section of a
 * configuration file. Exit codes: 0 written, 1 the configuration has problems (each printed with
 * its file and key path), 2 a usage error or an output that cannot be written.
 *
 * <pre>
 * --config FILE --runbooks URL [--out DIR] [--duration NAME]
 * </pre>
 *
 * It writes {@code llmops-slo-rules.yml} and {@code llmops-dashboard.json} into {@code DIR}
 * (default the working directory); {@code --duration} names the duration histogram in Prometheus
 * (default {@value SloRules#DEFAULT_DURATION}). Only the {@code slos} section is read, so no secret
 * or binding is needed.
 */
public final class SloCommand {
  /** The rules file's name. */
  public static final String RULES_FILE = "llmops-slo-rules.yml";
  /** The dashboard file's name. */
  public static final String DASHBOARD_FILE = "llmops-dashboard.json";

  private static final String USAGE_TEXT = """
      usage: --config FILE --runbooks URL [--out DIR] [--duration NAME]
      exit codes: 0 written, 1 configuration problems, 2 usage error or output not writable""";

  private SloCommand() {}

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err));
  }

  /** Runs the command, printing to {@code out} and {@code err}; returns the exit code. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    String config = null;
    String runbooks = null;
    String dir = ".";
    String duration = SloRules.DEFAULT_DURATION;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        return usage(err, "option " + args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--config" -> config = args[i + 1];
        case "--runbooks" -> runbooks = args[i + 1];
        case "--out" -> dir = args[i + 1];
        case "--duration" -> duration = args[i + 1];
        default -> {
          return usage(err, "unknown option " + args[i]);
        }
      }
    }
    if (config == null || runbooks == null) {
      return usage(err, "--config and --runbooks are required");
    }
    List<Slo> slos;
    try {
      slos = SloRules.slos(LlmOpsConfig.load(Path.of(config)));
    } catch (ConfigurationException e) {
      e.problems().forEach(err::println);
      return 1;
    }
    if (slos.isEmpty()) {
      err.println(config + ": slos: no SLO is defined");
      return 1;
    }
    try {
      Path out1 = Files.createDirectories(Path.of(dir)).resolve(RULES_FILE);
      Files.writeString(out1, SloRules.yaml(slos, runbooks, duration), StandardCharsets.UTF_8);
      Path out2 = Path.of(dir).resolve(DASHBOARD_FILE);
      Files.writeString(out2, SloDashboard.json(slos, duration), StandardCharsets.UTF_8);
      out.println("wrote " + out1 + " and " + out2 + " for " + slos.size() + " SLOs");
      return 0;
    } catch (IOException e) {
      err.println(dir + ": cannot write (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
      return 2;
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println(problem);
    err.println(USAGE_TEXT);
    return 2;
  }
}
