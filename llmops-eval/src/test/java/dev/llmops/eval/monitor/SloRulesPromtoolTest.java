package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Money;
import dev.llmops.core.config.LlmOpsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated SLO rules checked by Prometheus' own {@code promtool}: {@code check rules} on the
 * file, and {@code test rules} against synthetic series with hand-written expectations ({@code
 * slo/rules-test.yml}). Skips when {@code promtool} is absent (Debian package {@code prometheus});
 * fails instead when the system property {@code llmops.requirePromtool} is true.
 */
class SloRulesPromtoolTest {
  static final List<Slo> SLOS = List.of(
      Slo.availability("chat", 0.999),
      Slo.latency("chat-latency", 0.99, 2.56),
      Slo.costPerCall("chat-cost", Money.usd("0.002")),
      Slo.quality("answer-quality", 0.8).where("gen_ai_evaluation_name=\"relevance\""));
  /** The same objectives as the configuration file states them. */
  static final String CONFIG = """
      slos:
        - {name: chat, kind: availability, objective: 0.999}
        - {name: chat-latency, kind: latency, objective: 0.99, threshold: 2560ms}
        - {name: chat-cost, kind: costPerCall, threshold: "0.002 USD"}
        - {name: answer-quality, kind: quality, objective: 0.8, matchers: {gen_ai_evaluation_name: relevance}}
      """;
  static final String RUNBOOKS = "https://example.com/llmops/docs/runbooks.md";

  static String promtool = "promtool";

  @BeforeAll
  static void findPromtool() {
    String found = null;
    for (String dir : java.util.regex.Pattern.compile(java.io.File.pathSeparator, java.util.regex.Pattern.LITERAL)
        .split(Objects.requireNonNullElse(System.getenv("PATH"), ""), -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
        found = Path.of(dir, "promtool").toString();
        break;
      }
    }
    if (found == null) {
      String message = "promtool not found on PATH; install it with 'apt-get install prometheus' (Debian)";
      if (Boolean.getBoolean("llmops.requirePromtool")) {
        throw new AssertionError(message + " (llmops.requirePromtool is true)");
      }
      Assumptions.abort(message);
    }
    promtool = found;
  }

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTestsPass(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("rules.yml"), SloRules.yaml(SLOS, RUNBOOKS));
    copy("slo/rules-test.yml", dir.resolve("rules-test.yml"));
    Result check = run(dir, promtool, "check", "rules", "rules.yml");
    assertThat(check.exit).as(check.output).isZero();
    assertThat(check.output).contains("SUCCESS: 19 rules found");
    Result test = run(dir, promtool, "test", "rules", "rules-test.yml");
    assertThat(test.exit).as(test.output).isZero();
  }

  @Test
  void theConfigurationFileGivesTheSameRules() {
    assertThat(SloRules.fromConfig(LlmOpsConfig.parse(CONFIG, "llmops.yaml"), RUNBOOKS))
        .isEqualTo(SloRules.yaml(SLOS, RUNBOOKS));
    assertThat(SloRules.slos(LlmOpsConfig.parse(
        "slos: [{name: q, kind: quality, objective: 0.5, matchers: {llmops_feature: 'say \"hi\"'}}]", "x.yaml")))
        .singleElement().extracting(Slo::selector).isEqualTo("llmops_feature=\"say \\\"hi\\\"\"");
    assertThatThrownBy(() -> SloRules.fromConfig(LlmOpsConfig.parse("slos: [{name: q, kind: quality}]", "x.yaml"), RUNBOOKS))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("x.yaml: slos[0].objective: required");
  }

  @Test
  void theQualityAlertComparesTheMeanScoreOverBothWindows() {
    assertThat(SloRules.yaml(List.of(Slo.quality("q", 0.75)), RUNBOOKS)).contains(
        "(sum(rate(llmops_evaluation_score_sum[1h])) / sum(rate(llmops_evaluation_score_count[1h]))) < 0.75 and"
            + " (sum(rate(llmops_evaluation_score_sum[5m])) / sum(rate(llmops_evaluation_score_count[5m]))) < 0.75");
    assertThatThrownBy(() -> Slo.quality("q", 1.0)).hasMessageContaining("objective must be in (0, 1)");
  }

  @Test
  void aWrongExpectationFailsThePromtoolRun(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("rules.yml"), SloRules.yaml(SLOS, RUNBOOKS));
    copy("slo/must-fail-test.yml", dir.resolve("must-fail-test.yml"));
    Result test = run(dir, promtool, "test", "rules", "must-fail-test.yml");
    assertThat(test.exit).as(test.output).isNotZero();
    assertThat(test.output).contains("LlmopsSloAvailabilityBurnRate");
  }

  @Test
  void burnRateThresholdsFollowTheWorkbook() {
    String yaml = SloRules.yaml(List.of(Slo.availability("chat", 0.999)), RUNBOOKS);
    // 14.4, 6 and 1 times the budget of 0.001.
    assertThat(yaml).contains("ratio_rate1h{slo=\"chat\"} > 0.0144 and llmops:slo_errors_chat:ratio_rate5m{slo=\"chat\"} > 0.0144");
    assertThat(yaml).contains("ratio_rate6h{slo=\"chat\"} > 0.006 and llmops:slo_errors_chat:ratio_rate30m{slo=\"chat\"} > 0.006");
    assertThat(yaml).contains("ratio_rate3d{slo=\"chat\"} > 0.001 and llmops:slo_errors_chat:ratio_rate6h{slo=\"chat\"} > 0.001");
    assertThat(SloRules.yaml(List.of(Slo.availability("m", 0.99).where("gen_ai_request_model=\"gpt-4o\"")), RUNBOOKS))
        .contains("gen_ai_client_operation_duration_seconds_count{gen_ai_request_model=\"gpt-4o\",error_type!=\"\"}[5m]");
    assertThatThrownBy(() -> SloRules.yaml(List.of(Slo.availability("a", 0.9), Slo.availability("a", 0.99)), RUNBOOKS))
        .hasMessageContaining("unique");
    assertThatThrownBy(() -> Slo.availability("Bad Name", 0.9)).hasMessageContaining("[a-z0-9_-]+");
    assertThatThrownBy(() -> Slo.availability("a", 1.0)).hasMessageContaining("objective must be in (0, 1)");
  }

  private static void copy(String resource, Path to) throws IOException {
    try (InputStream in = SloRulesPromtoolTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      Files.copy(in, to);
    }
  }

  record Result(int exit, String output) {}

  static Result run(Path dir, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
