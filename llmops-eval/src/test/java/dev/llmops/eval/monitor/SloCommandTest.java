package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.Money;
import dev.llmops.core.config.LlmOpsConfig;
import dev.llmops.eval.cli.SloCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command that writes the rules and the dashboard from a configuration file's {@code slos} section. */
class SloCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return SloCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void writesTheRulesAndTheDashboardOfTheFile(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("llmops.yaml"), SloRulesPromtoolTest.CONFIG
        + "models: {smart: {provider: openai, model: gpt-4o, apiKeyEnv: AN_UNSET_VARIABLE}}\n");
    int code = run("--config", config.toString(), "--runbooks", SloRulesPromtoolTest.RUNBOOKS, "--out",
        dir.resolve("out").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(Files.readString(dir.resolve("out").resolve(SloCommand.RULES_FILE)))
        .isEqualTo(SloRules.yaml(SloRulesPromtoolTest.SLOS, SloRulesPromtoolTest.RUNBOOKS));
    assertThat(Files.readString(dir.resolve("out").resolve(SloCommand.DASHBOARD_FILE)))
        .isEqualTo(SloDashboard.json(SloRulesPromtoolTest.SLOS, SloRules.DEFAULT_DURATION));
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("for 4 SLOs");
  }

  @Test
  void namesEveryProblemOfTheSectionWithTheFileAndKeyPath(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("bad.yaml"),
        "slos:\n  - {name: chat, kind: availability, objective: 99.9}\n  - {name: cost, kind: costPerCall, threshold: 0.002}\n");
    assertThat(run("--config", config.toString(), "--runbooks", "r")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(config + ": slos[0].objective: must be in [0.0, 1.0] but was 99.9")
        .contains(config + ": slos[1].threshold: expected an amount such as \"50.00 USD\"");
    assertThat(dir.resolve(SloCommand.RULES_FILE)).doesNotExist();
  }

  /** The samples of docs/monitoring.md: the file and the code state the same objectives. */
  @Test
  void theGuidesSamplesGiveTheSameRules(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("llmops.yaml"), SloRulesPromtoolTest.CONFIG);
    // sample-start slo-from-config
    LlmOpsConfig config = LlmOpsConfig.load(file);
    String rules = SloRules.fromConfig(config, "https://example.com/docs/runbooks.md");
    String dashboard = SloDashboard.fromConfig(config);
    // sample-end slo-from-config
    // sample-start slo-in-code
    List<Slo> slos = List.of(
        Slo.availability("chat", 0.999),
        Slo.latency("chat-latency", 0.99, 2.56), // 2.56 s: a bucket boundary of the duration histogram
        Slo.costPerCall("chat-cost", Money.usd("0.002")),
        Slo.quality("answer-quality", 0.8).where("gen_ai_evaluation_name=\"relevance\""));
    String same = SloRules.yaml(slos, "https://example.com/docs/runbooks.md");
    // sample-end slo-in-code
    assertThat(same).isEqualTo(rules).contains("LlmopsSloQualityScore");
    assertThat(dashboard).isEqualTo(SloDashboard.json(slos, SloRules.DEFAULT_DURATION));
  }

  @Test
  void aMissingOptionIsAUsageError() {
    assertThat(run("--config", "x.yaml")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--config and --runbooks are required").contains("usage:");
    assertThat(run("--config")).isEqualTo(2);
  }
}
