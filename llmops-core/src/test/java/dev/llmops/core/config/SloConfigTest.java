package dev.llmops.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Money;
import dev.llmops.core.config.LlmOpsConfig.SloDefinition;
import dev.llmops.core.config.LlmOpsConfig.SloDefinition.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code slos} section: read on its own (no bindings) and when the whole file is assembled. */
class SloConfigTest {
  private static final String GOOD = """
      slos:
        - name: chat
          kind: availability
          objective: 0.999
          matchers: {gen_ai_request_model: gpt-4o}
        - name: chat-latency
          kind: latency
          objective: 0.99
          threshold: 2560ms
        - name: chat-cost
          kind: costPerCall
          threshold: "0.002 USD"
        - name: answer-quality
          kind: quality
          objective: 0.8
          matchers: {gen_ai_evaluation_name: relevance, llmops_feature: support}
      """;

  @Test
  void everyKindIsReadWithItsThresholdAndMatchersInFileOrder() {
    List<SloDefinition> slos = LlmOpsConfig.parse(GOOD, "llmops.yaml").slos();
    assertThat(slos).containsExactly(
        new SloDefinition("chat", Kind.AVAILABILITY, 0.999, null, null, Map.of("gen_ai_request_model", "gpt-4o")),
        new SloDefinition("chat-latency", Kind.LATENCY, 0.99, Duration.ofMillis(2560), null, Map.of()),
        new SloDefinition("chat-cost", Kind.COST_PER_CALL, 0, null, Money.usd("0.002"), Map.of()),
        new SloDefinition("answer-quality", Kind.QUALITY, 0.8, null, null,
            Map.of("gen_ai_evaluation_name", "relevance", "llmops_feature", "support")));
    assertThat(slos.get(3).matchers().keySet()).containsExactly("gen_ai_evaluation_name", "llmops_feature");
  }

  @Test
  void assemblingTheFileChecksAndKeepsTheSection() {
    dev.llmops.api.spi.ChatModel model = (request, exchange) -> new java.util.concurrent.CompletableFuture<>();
    LlmOpsComponents c = LlmOpsConfig.parse(GOOD + "models: {m: {provider: supplied}}\n", "llmops.yaml")
        .assemble(ConfigBindings.builder().model("m", model).build());
    assertThat(c.slos()).extracting(SloDefinition::name).containsExactly("chat", "chat-latency", "chat-cost", "answer-quality");
    assertThat(LlmOpsConfig.parse("version: 1\n", "empty.yaml").slos()).isEmpty();
  }

  @Test
  void everyBadKeyOrValueIsNamedWithTheFileAndItsPath() {
    String bad = """
        slos:
          - name: Chat Latency
            kind: latency
            objective: 1.5
          - name: b
            kind: speed
          - name: c
            kind: availability
          - name: d
            kind: costPerCall
            objective: 0.9
            threshold: 0.002
          - name: e
            kind: availability
            objective: 0.99
            threshold: 2s
            matchers: {"model-name": x}
            window: 30d
          - kind: quality
            objective: 1
          - name: e
            kind: quality
            objective: 0.5
        """;
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse(bad, "slo.yaml").slos());
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "slo.yaml: slos[0].name: must match [a-z0-9_-]+ (it becomes a label value and part of rule names) but was 'Chat Latency'",
        "slo.yaml: slos[0].objective: must be in [0.0, 1.0] but was 1.5",
        "slo.yaml: slos[0].threshold: required: the latency a good call stays within, for example 2560ms",
        "slo.yaml: slos[1].kind: unknown value 'speed'; one of [availability, latency, cost_per_call, quality]",
        "slo.yaml: slos[2].objective: required: the share of good calls (or the least mean score), for example 0.999",
        "slo.yaml: slos[3].objective: a costPerCall SLO has no objective: its threshold is the most a call may cost on average",
        "slo.yaml: slos[3].threshold: expected an amount such as \"50.00 USD\" but found a decimal number"
            + " (write money as a decimal string, never a floating-point number)",
        "slo.yaml: slos[4].window: unknown key; allowed here: [kind, matchers, name, objective, threshold]",
        "slo.yaml: slos[4].threshold: only latency and costPerCall SLOs take a threshold",
        "slo.yaml: slos[4].matchers.model-name: not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*); write attribute"
            + " names as they appear in Prometheus, for example gen_ai_request_model",
        "slo.yaml: slos[5].name: required",
        "slo.yaml: slos[5].objective: must be strictly between 0 and 1 but was 1.0",
        "slo.yaml: slos[6].name: another SLO is already named 'e'; names must be unique");
  }

  @Test
  void theWholeFileReportsSloProblemsBesideTheOthers() {
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse("slos: {chat: 0.999}\ncache: 3\n", "llmops.yaml").assemble(ConfigBindings.builder().build()));
    assertThat(e.problems()).contains("llmops.yaml: slos: expected a list but found a mapping")
        .anyMatch(p -> p.startsWith("llmops.yaml: cache:"));
  }

  @Test
  void propertySourcesGiveNumbersAsText() {
    List<SloDefinition> slos = LlmOpsConfig.fromProperties(
        Map.of("slos", List.of(Map.of("name", "chat", "kind", "availability", "objective", "0.995"))), "spring").slos();
    assertThat(slos).singleElement().extracting(SloDefinition::objective).isEqualTo(0.995);
  }
}
